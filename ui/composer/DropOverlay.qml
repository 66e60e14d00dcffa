import QtQuick
import QtQuick.Controls
import NanoVlm.Ui

// Takes pictures dropped anywhere on the window and shows where they will go while dragging.
DropArea {
    id: area

    signal filesDropped(var urls)

    keys: ["text/uri-list"]
    onDropped: drop => {
        if (drop.hasUrls) {
            drop.acceptProposedAction()
            area.filesDropped(drop.urls)
        }
    }

    Rectangle {
        anchors.fill: parent
        visible: area.containsDrag
        color: Theme.scrim

        Rectangle {
            anchors.fill: parent
            anchors.margins: 16
            radius: Theme.radiusLarge
            color: "transparent"
            border.width: 2
            border.color: Theme.accent

            Column {
                anchors.centerIn: parent
                spacing: 12
                Icon {
                    anchors.horizontalCenter: parent.horizontalCenter
                    width: 44
                    height: 44
                    name: "image"
                    color: Theme.accent
                }
                Label {
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("Drop images to attach them")
                    color: Theme.text
                    font.pixelSize: Theme.fontTitle
                    font.weight: Font.DemiBold
                }
            }
        }
    }
}
