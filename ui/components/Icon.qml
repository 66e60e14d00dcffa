import QtQuick

// A line icon drawn on a Canvas from SVG path data on a 24x24 grid. Qt 6.4 on Debian has no
// SVG image plugin by default, and drawing keeps icons crisp at any size and in the theme's
// colour. Paths are from Feather (https://feathericons.com, MIT licence), circles and
// rectangles rewritten as paths.
Canvas {
    id: icon

    property string name
    property color color: "black"
    property real lineWidth: 2
    property bool filled: false // fill the path instead of stroking it

    readonly property var paths: ({
        "paperclip": "M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48",
        "arrow-up": "M12 19V5M5 12l7-7 7 7",
        "arrow-down": "M12 5v14M19 12l-7 7-7-7",
        "stop": "M7 7h10v10H7z",
        "sliders": "M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6",
        "edit": "M11 4H4a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2v-7M18.5 2.5a2.121 2.121 0 0 1 3 3L12 15l-4 1 1-4 9.5-9.5z",
        "copy": "M11 9h9a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-9a2 2 0 0 1-2-2v-9a2 2 0 0 1 2-2zM5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1",
        "check": "M20 6L9 17l-5-5",
        "refresh": "M23 4v6h-6M1 20v-6h6M3.51 9a9 9 0 0 1 14.85-3.36L23 10M1 14l4.64 4.36A9 9 0 0 0 20.49 15",
        "x": "M18 6L6 18M6 6l12 12",
        "image": "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM10 8.5a1.5 1.5 0 1 1-3 0a1.5 1.5 0 1 1 3 0zM21 15l-5-5L5 21",
        "folder": "M22 19a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h5l2 3h9a2 2 0 0 1 2 2z",
        "file": "M13 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM13 2v7h7",
        "alert": "M22 12a10 10 0 1 1-20 0a10 10 0 1 1 20 0zM12 8v4M12 16h.01",
        "info": "M22 12a10 10 0 1 1-20 0a10 10 0 1 1 20 0zM12 16v-4M12 8h.01",
        "chevron-down": "M6 9l6 6 6-6",
        "eye": "M1 12s4-8 11-8 11 8 11 8-4 8-11 8-11-8-11-8zM15 12a3 3 0 1 1-6 0a3 3 0 1 1 6 0z",
        "upload": "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12",
        "plus": "M12 5v14M5 12h14",
        "trash": "M3 6h18M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6M10 11v6M14 11v6M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2",
        "search": "M19 11a8 8 0 1 1-16 0a8 8 0 1 1 16 0zM21 21l-4.35-4.35",
        "sidebar": "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM9 3v18",
        "download": "M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3",
        "cpu": "M6 4h12a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM9 9h6v6H9zM9 1v3M15 1v3M9 20v3M15 20v3M20 9h3M20 14h3M1 9h3M1 14h3"
    })

    implicitWidth: 20
    implicitHeight: 20
    renderStrategy: Canvas.Immediate // painted before the first frame, no blank flash
    onNameChanged: requestPaint()
    onColorChanged: requestPaint()
    onFilledChanged: requestPaint()
    onWidthChanged: requestPaint()
    onHeightChanged: requestPaint()

    onPaint: {
        const ctx = getContext("2d")
        ctx.reset()
        const data = paths[name]
        if (!data || width <= 0 || height <= 0)
            return
        ctx.scale(width / 24, height / 24)
        ctx.lineWidth = lineWidth
        ctx.lineCap = "round"
        ctx.lineJoin = "round"
        ctx.strokeStyle = color
        ctx.fillStyle = color
        ctx.path = data
        if (filled)
            ctx.fill()
        else
            ctx.stroke()
    }
}
