import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import Qt.labs.platform as Platform
import NanoVlm.App
import NanoVlm.Ui

// The saved chats, left of the conversation: New chat, a search over titles, questions and
// answers, and the list (newest first). Deleting takes effect at once and offers Undo below the
// list. (A failing disk's warning is StorageWarning, over the chat, seen even when this is hidden.)
Rectangle {
    id: sidebar

    required property ChatController controller
    readonly property ConversationList conversations: controller.conversations
    readonly property alias list: list
    readonly property alias exportDialog: exportDialog

    // The last deleted chat, and whether it was the open one (Undo then reopens it).
    property string undoChatId
    property bool undoReopens: false

    signal newChatRequested()
    signal chatOpened()
    signal collapseRequested()

    function undoDelete() {
        conversations.undoRemove()
        if (undoReopens && controller.openConversation(undoChatId))
            chatOpened()
        undoReopens = false
    }

    implicitWidth: 272
    color: Theme.surface

    Rectangle { // the edge towards the chat
        anchors.right: parent.right
        width: 1
        height: parent.height
        color: Theme.border
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 10
        anchors.rightMargin: 11
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: 44
            spacing: 4

            Button {
                id: newChatButton
                objectName: "newChatButton"
                Layout.fillWidth: true
                text: qsTr("New chat")
                icon.width: 0 // the label alone; Material's flat button keeps its height
                flat: true
                font.pixelSize: 14
                font.capitalization: Font.MixedCase
                onClicked: sidebar.newChatRequested()
                Accessible.name: qsTr("New chat (Ctrl+N)")
                background: Rectangle {
                    implicitHeight: 40
                    radius: Theme.radiusSmall
                    color: newChatButton.pressed ? Theme.border
                         : newChatButton.hovered ? Theme.surfaceMuted : "transparent"
                    FocusRing {
                        anchors.margins: 0
                        shown: newChatButton.visualFocus
                    }
                }
                contentItem: RowLayout {
                    spacing: 8
                    Icon {
                        name: "plus"
                        color: Theme.accent
                        Layout.preferredWidth: 18
                        Layout.preferredHeight: 18
                    }
                    Label {
                        Layout.fillWidth: true
                        text: newChatButton.text
                        font: newChatButton.font
                        color: Theme.text
                    }
                }
            }
            IconButton {
                objectName: "collapseSidebarButton"
                iconName: "sidebar"
                tip: qsTr("Hide the chat list (Ctrl+B)")
                onClicked: sidebar.collapseRequested()
            }
        }

        TextField {
            id: search
            objectName: "chatSearch"
            Layout.fillWidth: true
            placeholderText: qsTr("Search chats")
            font.pixelSize: 14
            leftPadding: 34
            selectByMouse: true
            text: sidebar.conversations.searchText
            onTextEdited: sidebar.conversations.searchText = text
            Keys.onEscapePressed: {
                text = ""
                sidebar.conversations.searchText = ""
            }
            Icon {
                name: "search"
                color: Theme.textFaint
                width: 16
                height: 16
                x: 10
                anchors.verticalCenter: parent.verticalCenter
            }
        }

        ListView {
            id: list
            objectName: "chatList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 2
            model: sidebar.conversations
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            // A stop of its own for the keyboard: arrows move, Enter opens, F2 renames.
            activeFocusOnTab: count > 0
            keyNavigationEnabled: true
            currentIndex: -1
            onActiveFocusChanged: {
                if (activeFocus && currentIndex < 0 && count > 0)
                    currentIndex = 0
            }
            Keys.onReturnPressed: currentItem && currentItem.clicked()
            Keys.onEnterPressed: currentItem && currentItem.clicked()
            Keys.onPressed: event => {
                if (event.key === Qt.Key_F2 && currentItem) {
                    currentItem.startRename()
                    event.accepted = true
                }
            }
            delegate: ChatListDelegate {
                keyboardCurrent: ListView.isCurrentItem && list.activeFocus
                onOpenRequested: id => {
                    if (sidebar.controller.openConversation(id))
                        sidebar.chatOpened()
                }
                onRenameRequested: (id, title) => sidebar.conversations.rename(id, title)
                onDeleteRequested: id => {
                    sidebar.undoChatId = id
                    sidebar.undoReopens = id === sidebar.conversations.currentId
                    sidebar.conversations.remove(id)
                }
                onExportRequested: (id, title) => {
                    exportDialog.chatId = id
                    const name = title.replace(/[\/\\:*?"<>|]/g, "_") + ".md"
                    exportDialog.selectedFile = exportDialog.currentFolder + "/" + encodeURIComponent(name)
                    exportDialog.open()
                }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 24
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
                text: sidebar.conversations.searchText.length > 0 ? qsTr("No chat mentions “%1”.").arg(sidebar.conversations.searchText)
                    : sidebar.conversations.folder.length > 0 ? qsTr("Your chats will be listed here.")
                    : qsTr("Chats are not saved in this window.")
                textFormat: Text.PlainText
            }
        }

        // Undo of the last deletion.
        Rectangle {
            objectName: "undoBar"
            Layout.fillWidth: true
            Layout.preferredHeight: 40
            visible: sidebar.conversations.undoTitle.length > 0
            radius: Theme.radiusSmall
            color: Theme.surfaceMuted
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 10
                spacing: 4
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Deleted “%1”").arg(sidebar.conversations.undoTitle)
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.pixelSize: Theme.fontSmall
                    color: Theme.text
                }
                Button {
                    objectName: "undoButton"
                    text: qsTr("Undo")
                    flat: true
                    font.pixelSize: Theme.fontSmall
                    font.capitalization: Font.MixedCase
                    onClicked: sidebar.undoDelete()
                }
            }
        }

        // Where the last export went.
        Rectangle {
            objectName: "exportedBar"
            Layout.fillWidth: true
            Layout.preferredHeight: exportedColumn.implicitHeight + 12
            visible: sidebar.conversations.exportedFile.length > 0
            radius: Theme.radiusSmall
            color: Theme.surfaceMuted
            ColumnLayout {
                id: exportedColumn
                anchors.fill: parent
                anchors.leftMargin: 10
                anchors.topMargin: 6
                anchors.bottomMargin: 6
                spacing: 0
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Exported to %1").arg(sidebar.conversations.exportedFile)
                        textFormat: Text.PlainText
                        wrapMode: Text.WrapAnywhere
                        maximumLineCount: 3
                        elide: Text.ElideLeft
                        font.pixelSize: Theme.fontSmall
                        color: Theme.text
                    }
                    IconButton {
                        objectName: "dismissExportButton"
                        Layout.alignment: Qt.AlignTop
                        implicitWidth: 28
                        implicitHeight: 28
                        iconSize: 15
                        iconName: "x"
                        tip: qsTr("Dismiss")
                        onClicked: sidebar.conversations.dismissExportedFile()
                    }
                }
                Button {
                    objectName: "showExportButton"
                    text: qsTr("Show in folder")
                    flat: true
                    font.pixelSize: Theme.fontSmall
                    font.capitalization: Font.MixedCase
                    onClicked: sidebar.conversations.showExportedFile()
                }
            }
        }
    }

    FileDialog {
        id: exportDialog
        property string chatId
        title: qsTr("Export the chat to Markdown")
        fileMode: FileDialog.SaveFile
        acceptLabel: qsTr("Export")
        currentFolder: Platform.StandardPaths.writableLocation(Platform.StandardPaths.DocumentsLocation)
        defaultSuffix: "md"
        nameFilters: [qsTr("Markdown (*.md)")]
        onAccepted: sidebar.conversations.exportMarkdown(chatId, selectedFile)
    }
}
