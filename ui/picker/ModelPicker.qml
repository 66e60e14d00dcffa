import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// The model picker: every nanoVLM checkpoint ModelCatalog found (the folders the user added,
// the Hugging Face cache, --model), good ones to choose, broken ones greyed with the reason.
// Choosing one loads it on the worker thread (the header shows the progress) and the choice is
// remembered for the next start.
Popup {
    id: picker

    required property ChatController controller
    required property ModelCatalog catalog

    readonly property alias addFolderDialog: addFolderDialog
    readonly property alias serverDialog: serverDialog

    signal openFolderOnceRequested()
    // A tokenizer.json for the checkpoint in `directory`, which has none of its own.
    signal openTokenizerRequested(string directory)

    objectName: "modelPicker"
    modal: true
    focus: true
    padding: 0
    width: Math.min(620, parent ? parent.width - 32 : 620)
    height: Math.min(implicitHeight, parent ? parent.height - y - 16 : 600)
    implicitHeight: layout.implicitHeight
    onOpened: catalog.rescan()

    Overlay.modal: Rectangle {
        color: Theme.dark ? "#80000000" : "#30000000"
    }
    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }

    function choose(directory, tokenizer) {
        picker.close()
        if (directory !== controller.modelDirectory || controller.modelState !== ChatController.Ready)
            controller.loadModel(directory, tokenizer)
    }

    ColumnLayout {
        id: layout
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 14
            Layout.bottomMargin: 6
            spacing: 8
            Label {
                Layout.fillWidth: true
                text: qsTr("Models")
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.weight: Font.DemiBold
            }
            Spinner {
                width: 16
                height: 16
                visible: picker.catalog.scanning
            }
            Button {
                objectName: "addServerButton"
                text: qsTr("Add a server…")
                flat: true
                font.capitalization: Font.MixedCase
                onClicked: serverDialog.open()
            }
            Button {
                objectName: "addFolderButton"
                text: qsTr("Add folder…")
                flat: true
                font.capitalization: Font.MixedCase
                onClicked: addFolderDialog.open()
            }
            IconButton {
                iconName: "x"
                tip: qsTr("Close")
                onClicked: picker.close()
            }
        }

        ListView {
            id: list
            objectName: "modelList"
            Layout.fillWidth: true
            Layout.preferredHeight: contentHeight
            Layout.fillHeight: true
            // The checkpoints on disk keep room for a whole entry (reason and actions) however
            // long the download section below is; that one scrolls instead.
            Layout.minimumHeight: count > 0 ? Math.min(contentHeight, 280) : 0
            Layout.leftMargin: 6
            Layout.rightMargin: 6
            visible: count > 0
            clip: true
            spacing: 2
            boundsBehavior: Flickable.StopAtBounds
            model: picker.catalog
            ScrollBar.vertical: ScrollBar {}
            delegate: ModelEntry {
                width: list.width
                current: directory === picker.controller.modelDirectory
                onChosen: (dir, tokenizer) => picker.choose(dir, tokenizer)
                onTokenizerRequested: dir => {
                    picker.close()
                    picker.openTokenizerRequested(dir)
                }
                onCopyRequested: text => picker.controller.copyText(text)
            }
        }

        Label {
            objectName: "noModels"
            Layout.fillWidth: true
            Layout.margins: 14
            visible: picker.catalog.count === 0 && !picker.catalog.scanning
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontBody - 1
            text: qsTr("No nanoVLM checkpoints found yet. Download one below, or add the folder that holds yours.")
        }

        // The servers added with "Add a server…": chosen like a checkpoint.
        Repeater {
            model: ServerList {
                id: serverList
            }
            delegate: ServerEntry {
                Layout.fillWidth: true
                Layout.leftMargin: 6
                Layout.rightMargin: 6
                current: address === picker.controller.modelDirectory
                onChosen: address => picker.choose(address)
                onRemoveRequested: index => serverList.remove(index)
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.topMargin: 6
            height: 1
            color: Theme.border
        }

        ScrollView {
            id: downloads
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredHeight: downloadSection.implicitHeight
            Layout.minimumHeight: Math.min(downloadSection.implicitHeight, 140)
            contentWidth: availableWidth
            clip: true

            DownloadSection {
                id: downloadSection
                width: downloads.availableWidth
                onOpenRequested: directory => picker.choose(directory)
                onCompleted: picker.catalog.rescan()
            }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.topMargin: 6
            height: 1
            color: Theme.border
        }

        // Where the list comes from, and the folders' Remove buttons.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.margins: 14
            Layout.topMargin: 8
            spacing: 2

            Label {
                text: qsTr("Looking in")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                font.weight: Font.DemiBold
            }
            Repeater {
                model: picker.catalog.folders
                delegate: RowLayout {
                    required property string modelData
                    Layout.fillWidth: true
                    spacing: 6
                    Icon {
                        width: 14
                        height: 14
                        name: "folder"
                        color: Theme.textFaint
                    }
                    Label {
                        Layout.fillWidth: true
                        text: modelData
                        elide: Text.ElideMiddle
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    Button {
                        objectName: "removeFolderButton"
                        text: qsTr("Remove")
                        flat: true
                        font.capitalization: Font.MixedCase
                        font.pixelSize: Theme.fontSmall
                        Accessible.name: qsTr("Stop looking in %1").arg(modelData)
                        onClicked: picker.catalog.removeFolder(modelData)
                    }
                }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                Icon {
                    width: 14
                    height: 14
                    name: "folder"
                    color: Theme.textFaint
                }
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Hugging Face cache: %1").arg(picker.catalog.hubCache)
                    elide: Text.ElideMiddle
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
            }
            RowLayout {
                Layout.topMargin: 4
                spacing: 4
                Button {
                    objectName: "openFolderOnceButton"
                    text: qsTr("Open a checkpoint folder once…")
                    flat: true
                    font.capitalization: Font.MixedCase
                    font.pixelSize: Theme.fontSmall
                    onClicked: {
                        picker.close()
                        picker.openFolderOnceRequested()
                    }
                }
            }
        }
    }

    ServerDialog {
        id: serverDialog
        servers: serverList
        onAdded: address => picker.choose(address)
    }

    FolderChooser {
        id: addFolderDialog
        objectName: "addFolderDialog"
        parent: Overlay.overlay
        title: qsTr("Add a folder of nanoVLM checkpoints")
        chooseText: qsTr("Add this folder")
        onFolderChosen: path => picker.catalog.addFolder(path)
    }
}
