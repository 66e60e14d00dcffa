import QtQuick

// A small spinning arc. The Material BusyIndicator does not scale down to text size, and this
// one takes the theme's accent.
Item {
    id: spinner

    property color color: Theme.accent
    property bool running: true

    implicitWidth: 16
    implicitHeight: 16
    visible: running

    Canvas {
        id: arc
        anchors.fill: parent
        renderStrategy: Canvas.Immediate // painted before the first frame, no blank flash
        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            const r = Math.min(width, height) / 2 - 1.5
            ctx.lineWidth = 2.2
            ctx.lineCap = "round"
            ctx.strokeStyle = Qt.rgba(spinner.color.r, spinner.color.g, spinner.color.b, 0.18)
            ctx.beginPath()
            ctx.arc(width / 2, height / 2, r, 0, 2 * Math.PI)
            ctx.stroke()
            ctx.strokeStyle = spinner.color
            ctx.beginPath()
            ctx.arc(width / 2, height / 2, r, -Math.PI / 2, Math.PI / 4)
            ctx.stroke()
        }
        Connections {
            target: spinner
            function onColorChanged() { arc.requestPaint() }
        }
    }

    RotationAnimator {
        target: arc
        from: 0
        to: 360
        duration: 900
        loops: Animation.Infinite
        running: spinner.running && spinner.visible
    }
}
