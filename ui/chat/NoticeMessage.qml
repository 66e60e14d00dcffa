import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// A note from the app in the flow of the chat, such as "Switched to …": centred, quiet, not
// anyone's message.
Item {
    id: notice

    property string text

    implicitHeight: row.implicitHeight + 8

    RowLayout {
        id: row
        anchors.centerIn: parent
        width: Math.min(implicitWidth, parent.width)
        spacing: 8

        Icon {
            width: 16
            height: 16
            name: "refresh"
            color: Theme.textMuted
        }
        Label {
            objectName: "noticeText"
            Layout.fillWidth: true
            text: notice.text
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall + 1
        }
    }
}
