import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// Chats cannot be saved (read-only folder, disk full): a banner over the conversation until
// dismissed or the next save works. The chat itself stays in memory meanwhile.
Rectangle {
    id: banner

    required property ConversationList conversations

    objectName: "storageWarning"
    visible: conversations.warning.length > 0
    implicitHeight: visible ? row.implicitHeight + 16 : 0
    radius: Theme.radiusSmall
    color: Theme.errorSurface
    border.color: Theme.errorBorder

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        anchors.leftMargin: 12
        spacing: 8
        Icon {
            Layout.alignment: Qt.AlignTop
            Layout.preferredWidth: 18
            Layout.preferredHeight: 18
            name: "alert"
            color: Theme.error
        }
        Label {
            Layout.fillWidth: true
            text: banner.conversations.warning
            textFormat: Text.PlainText // names files and folders, which may look like HTML
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall + 1
            color: Theme.error
        }
        IconButton {
            Layout.alignment: Qt.AlignTop
            implicitWidth: 24
            implicitHeight: 24
            iconSize: 14
            iconName: "x"
            tip: qsTr("Dismiss")
            onClicked: banner.conversations.dismissWarning()
        }
    }
}
