import QtQuick
import QtQuick.Controls
import NanoVlm.App
import NanoVlm.Ui

// The pictures waiting to be sent, each removable, in the order the model will read them.
ListView {
    id: strip

    required property AttachmentModel attachments

    objectName: "attachmentStrip"
    model: attachments
    orientation: ListView.Horizontal
    spacing: 10
    implicitHeight: 72
    clip: true
    boundsBehavior: Flickable.StopAtBounds

    delegate: Item {
        id: tile

        required property int index
        required property string url
        required property string name
        required property bool loading

        width: 72
        height: 72

        Thumbnail {
            anchors.fill: parent
            // Shown once our decoder has vetted the file (size limits, format).
            source: tile.loading ? "" : tile.url
            busy: tile.loading
            backdrop: Theme.surface
            radius: Theme.radius
            ToolTip.visible: hover.hovered
            ToolTip.text: tile.name
            ToolTip.delay: 500
            HoverHandler { id: hover }
        }

        IconButton {
            objectName: "removeAttachment"
            anchors.top: parent.top
            anchors.right: parent.right
            anchors.margins: 3
            implicitWidth: 22
            implicitHeight: 22
            iconSize: 12
            iconName: "x"
            iconColor: "white"
            tip: qsTr("Remove %1").arg(tile.name)
            background: Rectangle {
                radius: width / 2
                color: "#99000000"
            }
            onClicked: strip.attachments.remove(tile.index)
        }
    }
}
