import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// A picture of the chat, large: zoom with the wheel, a pinch or the buttons, pan by dragging,
// Escape closes. "What the model sees" draws over it the tiles the loaded model cuts it into at
// the chosen image detail, with the global view it reads first and the image tokens it costs
// (ChatController.imageTiling, which asks the engine's own planner).
Popup {
    id: viewer

    property ChatController controller
    property url source
    property bool showModelView: false
    // 1 = the whole picture fits the window.
    property real zoom: 1
    readonly property real minZoom: 1
    readonly property real maxZoom: 8
    readonly property size pictureSize: Qt.size(picture.implicitWidth, picture.implicitHeight)
    readonly property real fitScale: pictureSize.width > 0 && pictureSize.height > 0
        ? Math.min(flick.width / pictureSize.width, flick.height / pictureSize.height) : 1
    readonly property var tiling: {
        if (!controller || picture.status !== Image.Ready)
            return ({})
        // Read so that the overlay follows a new detail or model.
        const detail = controller.settings.imageDetail
        const state = controller.modelState
        return controller.imageTiling(pictureSize.width, pictureSize.height)
    }
    readonly property bool hasTiling: tiling.tiles !== undefined

    function show(url) {
        source = url
        zoom = 1
        open()
    }
    // Zooms keeping the point `center` (content coordinates; the middle of the view if not
    // given) where it is on screen.
    function zoomBy(factor, center) {
        const z = Math.max(minZoom, Math.min(maxZoom, zoom * factor))
        if (z === zoom || canvas.width <= 0 || canvas.height <= 0)
            return
        const at = center !== undefined ? center
                 : Qt.point(flick.contentX + flick.width / 2, flick.contentY + flick.height / 2)
        const onScreen = Qt.point(at.x - flick.contentX, at.y - flick.contentY)
        const fx = (at.x - canvas.x) / canvas.width
        const fy = (at.y - canvas.y) / canvas.height
        zoom = z // the content and the canvas follow by binding
        flick.contentX = Math.max(0, Math.min(flick.contentWidth - flick.width,
                                              canvas.x + fx * canvas.width - onScreen.x))
        flick.contentY = Math.max(0, Math.min(flick.contentHeight - flick.height,
                                              canvas.y + fy * canvas.height - onScreen.y))
    }
    function fit() {
        zoom = 1
        flick.contentX = 0
        flick.contentY = 0
    }

    objectName: "imageViewer"
    parent: Overlay.overlay
    x: 0
    y: 0
    width: parent ? parent.width : 800
    height: parent ? parent.height : 600
    modal: true
    focus: true
    padding: 0
    closePolicy: Popup.CloseOnEscape
    Material.theme: Material.Dark // a dark room for pictures, whatever the app's theme
    Material.accent: Theme.accent
    onClosed: showModelView = false

    background: Rectangle {
        color: "#101114"
    }

    contentItem: ColumnLayout {
        spacing: 0

        // The bar: name and size, zoom, the model's view, close.
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 10
            spacing: 6

            Label {
                Layout.fillWidth: true
                text: {
                    const name = String(viewer.source).split("/").pop()
                    return viewer.pictureSize.width > 0
                        ? qsTr("%1 · %2×%3").arg(name).arg(viewer.pictureSize.width)
                                            .arg(viewer.pictureSize.height)
                        : name
                }
                elide: Text.ElideMiddle
                color: "#e8eaee"
                font.pixelSize: Theme.fontBody
            }
            Switch {
                id: modelViewSwitch
                objectName: "modelViewToggle"
                text: qsTr("What the model sees")
                checked: viewer.showModelView
                onToggled: viewer.showModelView = checked
            }
            ViewerButton {
                objectName: "zoomOutButton"
                text: "−"
                tip: qsTr("Zoom out")
                enabled: viewer.zoom > viewer.minZoom
                onClicked: viewer.zoomBy(1 / 1.5)
            }
            Label {
                objectName: "zoomLabel"
                text: qsTr("%1%").arg(Math.round(viewer.zoom * viewer.fitScale * 100))
                color: "#e8eaee"
                font.pixelSize: Theme.fontSmall
                horizontalAlignment: Text.AlignHCenter
                Layout.preferredWidth: 44
            }
            ViewerButton {
                objectName: "zoomInButton"
                text: "+"
                tip: qsTr("Zoom in")
                enabled: viewer.zoom < viewer.maxZoom
                onClicked: viewer.zoomBy(1.5)
            }
            ViewerButton {
                objectName: "fitButton"
                text: "⤢"
                tip: qsTr("Fit to window")
                onClicked: viewer.fit()
            }
            ViewerButton {
                objectName: "closeViewerButton"
                text: "✕"
                tip: qsTr("Close (Esc)")
                onClicked: viewer.close()
            }
        }

        Flickable {
            id: flick
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            contentWidth: Math.max(width, viewer.pictureSize.width * viewer.fitScale * viewer.zoom)
            contentHeight: Math.max(height, viewer.pictureSize.height * viewer.fitScale * viewer.zoom)
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.horizontal: ScrollBar { policy: ScrollBar.AsNeeded }
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

            PinchArea {
                width: flick.contentWidth
                height: flick.contentHeight
                property real lastScale: 1
                onPinchStarted: lastScale = 1
                onPinchUpdated: pinch => {
                    viewer.zoomBy(pinch.scale / lastScale, pinch.center)
                    lastScale = pinch.scale
                }

                // The wheel zooms at the pointer (the area is the content: positions match).
                WheelHandler {
                    id: wheel
                    onWheel: event => viewer.zoomBy(Math.pow(1.2, event.angleDelta.y / 120),
                                                    wheel.point.position)
                }

                Item {
                    id: canvas
                    width: viewer.pictureSize.width * viewer.fitScale * viewer.zoom
                    height: viewer.pictureSize.height * viewer.fitScale * viewer.zoom
                    x: (flick.contentWidth - width) / 2
                    y: (flick.contentHeight - height) / 2

                    Image {
                        id: picture
                        objectName: "imageViewerPicture"
                        anchors.fill: parent
                        source: viewer.source
                        autoTransform: true // as the app decodes it for the model
                        asynchronous: true
                        smooth: true
                        mipmap: true
                    }

                    TileOverlay {
                        id: overlay
                        anchors.fill: parent
                        visible: viewer.showModelView && viewer.hasTiling
                        rows: viewer.hasTiling ? viewer.tiling.rows : 1
                        cols: viewer.hasTiling ? viewer.tiling.cols : 1
                    }
                }
            }
        }

        // What the model reads, in numbers, with its global view.
        ModelViewSummary {
            Layout.fillWidth: true
            visible: viewer.showModelView
            source: viewer.source
            tiling: viewer.tiling
            hasModel: viewer.hasTiling
        }
    }

    component ViewerButton: AbstractButton {
        id: button
        property string tip
        implicitWidth: 34
        implicitHeight: 34
        hoverEnabled: true
        focusPolicy: Qt.TabFocus
        opacity: enabled ? 1 : 0.4
        Accessible.name: tip
        background: Rectangle {
            radius: width / 2
            color: button.pressed ? "#40ffffff" : button.hovered ? "#26ffffff" : "transparent"
            border.width: button.visualFocus ? 2 : 0
            border.color: Theme.accent
        }
        contentItem: Label {
            text: button.text
            color: "#e8eaee"
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
            font.pixelSize: Theme.fontBody + 3
        }
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: tip
    }
}
