import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import NanoVlm.App
import NanoVlm.Ui

// The whole chat window's content: the saved chats on the left (ChatSidebar, hidden on narrow
// windows until asked for), then header, conversation, composer, settings, drag and drop,
// and the keyboard shortcuts. Main.qml puts it in a window; the QML tests put it in theirs.
Item {
    id: screen

    required property ChatController controller
    // The checkpoints the model picker offers; Main.qml tells it the --model folder.
    property ModelCatalog catalog: ModelCatalog {}
    readonly property alias composer: composer
    readonly property alias settingsPanel: settingsPanel
    readonly property alias messageList: messageList
    readonly property alias folderDialog: folderDialog
    readonly property alias tokenizerDialog: tokenizerDialog
    readonly property alias modelPicker: modelPicker
    readonly property alias sidebar: sidebar
    // Shown beside the chat on wide windows (unless hidden, which is remembered); on narrow
    // ones only when opened (and over it). Ctrl+B or the header's button shows it again.
    readonly property bool wide: width >= 820
    readonly property bool sidebarWanted: controller.settings.chatListShown
    property bool sidebarOverlayOpen: false
    readonly property bool sidebarShown: wide ? sidebarWanted : sidebarOverlayOpen

    signal quitRequested()

    function toggleSidebar() {
        if (wide)
            controller.settings.chatListShown = !controller.settings.chatListShown
        else
            sidebarOverlayOpen = !sidebarOverlayOpen
    }

    function startNewChat() {
        controller.newChat()
        sidebarOverlayOpen = false
        composer.focusInput()
    }

    // Drag and drop, and the tests' stand-in for it.
    function dropFiles(urls) {
        controller.attachments.addUrls(urls)
        composer.focusInput()
    }

    Rectangle {
        anchors.fill: parent
        color: Theme.window
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.leftMargin: screen.wide && screen.sidebarShown ? sidebar.width : 0
        spacing: 0

        // The header, with the button that shows a hidden chat list at its left. The button is
        // placed by hand: a RowLayout (Qt 6.4) did not always make room for it when it
        // appeared, and then nothing brought the list back.
        Item {
            Layout.fillWidth: true
            implicitHeight: header.implicitHeight
            ChatHeader {
                id: header
                anchors.fill: parent
                leftInset: showSidebarButton.visible ? showSidebarButton.width + 12 : 0
                controller: screen.controller
                onModelPickerRequested: modelPicker.open()
                onSettingsRequested: settingsPanel.open()
            }
            IconButton {
                id: showSidebarButton
                objectName: "showSidebarButton"
                x: 12
                anchors.verticalCenter: parent.verticalCenter
                visible: !screen.sidebarShown
                iconName: "sidebar"
                tip: qsTr("Show the chat list (Ctrl+B)")
                onClicked: screen.toggleSidebar()
            }
        }

        StorageWarning {
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentWidth
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: visible ? 8 : 0
            conversations: screen.controller.conversations
        }

        MessageList {
            id: messageList
            Layout.fillWidth: true
            Layout.fillHeight: true
            controller: screen.controller
            onChooseModelRequested: modelPicker.open()
            onExampleChosen: (image, question) => {
                controller.attachments.addUrls([image])
                composer.prefill(question)
            }
        }

        Composer {
            id: composer
            Layout.fillWidth: true
            controller: screen.controller
        }
    }

    MouseArea { // a narrow window's open sidebar closes on a click beside it
        anchors.fill: parent
        visible: !screen.wide && screen.sidebarOverlayOpen
        onClicked: screen.sidebarOverlayOpen = false
        Rectangle {
            anchors.fill: parent
            color: Theme.shadow
        }
    }

    ChatSidebar {
        id: sidebar
        objectName: "chatSidebar"
        width: Math.min(implicitWidth, screen.width - 48)
        height: parent.height
        visible: screen.sidebarShown
        controller: screen.controller
        onNewChatRequested: screen.startNewChat()
        onChatOpened: {
            screen.sidebarOverlayOpen = false
            composer.focusInput()
        }
        onCollapseRequested: screen.toggleSidebar()
    }

    DropOverlay {
        anchors.fill: parent
        onFilesDropped: urls => screen.dropFiles(urls)
    }

    SettingsPanel {
        id: settingsPanel
        controller: screen.controller
    }

    ModelPicker {
        id: modelPicker
        x: 12
        y: 60
        controller: screen.controller
        catalog: screen.catalog
        onOpenFolderOnceRequested: folderDialog.open()
        onOpenTokenizerRequested: directory => {
            tokenizerDialog.checkpoint = directory
            composer.openDialog(tokenizerDialog)
        }
    }

    FolderChooser {
        id: folderDialog
        title: qsTr("Open a nanoVLM checkpoint folder")
        chooseText: qsTr("Open this folder")
        onFolderChosen: path => screen.controller.loadModel(path)
    }

    // A tokenizer for one checkpoint of the picker: remembered for it, then it is loaded.
    FileDialog {
        id: tokenizerDialog
        objectName: "tokenizerDialog"
        property string checkpoint
        title: qsTr("Choose the tokenizer.json for this checkpoint")
        nameFilters: [qsTr("Tokenizer (tokenizer.json *.json)"), qsTr("All files (*)")]
        onAccepted: screen.useTokenizer(checkpoint, selectedFile)
    }
    function useTokenizer(checkpoint, file) {
        catalog.setTokenizer(checkpoint, file)
        controller.loadModel(checkpoint, file)
    }

    Shortcut {
        sequence: "Esc"
        enabled: screen.controller.busy
        onActivated: screen.controller.stop()
    }
    Shortcut {
        sequences: [StandardKey.New]
        onActivated: screen.startNewChat()
    }
    Shortcut {
        // The text field handles Ctrl+V itself when it has focus (Composer).
        sequences: [StandardKey.Paste]
        onActivated: {
            if (screen.controller.attachments.paste())
                composer.focusInput()
        }
    }
    Shortcut {
        sequence: "Ctrl+O"
        onActivated: composer.attachFromDialog()
    }
    Shortcut {
        sequence: "Ctrl+B"
        onActivated: screen.toggleSidebar()
    }
    Shortcut {
        sequence: "Ctrl+Q"
        onActivated: screen.quitRequested()
    }
    Shortcut {
        sequences: [StandardKey.Preferences]
        onActivated: settingsPanel.open()
    }
}
