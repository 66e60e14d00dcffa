import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import NanoVlm.App
import NanoVlm.Ui

// The whole chat window's content: header, conversation, composer, settings, drag and drop,
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
    readonly property alias modelPicker: modelPicker

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
        spacing: 0

        ChatHeader {
            Layout.fillWidth: true
            controller: screen.controller
            onModelPickerRequested: modelPicker.open()
            onSettingsRequested: settingsPanel.open()
        }

        MessageList {
            id: messageList
            Layout.fillWidth: true
            Layout.fillHeight: true
            controller: screen.controller
            onChooseModelRequested: modelPicker.open()
        }

        Composer {
            id: composer
            Layout.fillWidth: true
            controller: screen.controller
        }
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
        onOpenFolderOnceRequested: composer.openDialog(folderDialog)
        onOpenTokenizerRequested: composer.openDialog(tokenizerDialog)
    }

    FolderDialog {
        id: folderDialog
        title: qsTr("Open a nanoVLM checkpoint folder")
        onAccepted: screen.controller.loadModel(selectedFolder)
    }

    FileDialog {
        id: tokenizerDialog
        title: qsTr("Choose the tokenizer.json for this checkpoint")
        nameFilters: [qsTr("Tokenizer (tokenizer.json *.json)"), qsTr("All files (*)")]
        onAccepted: screen.controller.loadModel(screen.controller.modelDirectory, selectedFile)
    }

    Shortcut {
        sequence: "Esc"
        enabled: screen.controller.busy
        onActivated: screen.controller.stop()
    }
    Shortcut {
        sequences: [StandardKey.New]
        onActivated: {
            screen.controller.newChat()
            composer.focusInput()
        }
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
        sequences: [StandardKey.Preferences]
        onActivated: settingsPanel.open()
    }
}
