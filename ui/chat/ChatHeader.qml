import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// The bar above the chat: the app mark, the model (click to open the model picker), and the
// New chat, About and Settings buttons.
Rectangle {
    id: header

    required property ChatController controller

    // A server answers (a server address is "http(s)://…#model"), not a checkpoint folder.
    readonly property bool server: /^https?:\/\//.test(controller.modelDirectory)

    // Room kept at the left for a button laid over the header (ChatScreen's show-list button).
    property int leftInset: 0

    signal modelPickerRequested()
    signal settingsRequested()

    implicitHeight: 64
    color: Theme.window

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 16 + header.leftInset
        anchors.rightMargin: 12
        spacing: 10

        AppMark {
            Layout.preferredWidth: 34
            Layout.preferredHeight: 34
        }

        AbstractButton {
            id: modelButton
            objectName: "modelButton"
            Layout.fillWidth: true
            Layout.maximumWidth: implicitWidth
            Layout.fillHeight: true
            Layout.topMargin: 8
            Layout.bottomMargin: 8
            hoverEnabled: true
            Accessible.name: qsTr("Model: %1. Choose another").arg(title.text)
            onClicked: header.modelPickerRequested()

            focusPolicy: Qt.StrongFocus
            Keys.onSpacePressed: header.modelPickerRequested()
            background: Rectangle {
                radius: Theme.radius
                color: modelButton.hovered ? Theme.surfaceMuted : "transparent"
                FocusRing {
                    anchors.margins: 0
                    shown: modelButton.visualFocus
                }
            }
            contentItem: RowLayout {
                spacing: 6
                ColumnLayout {
                    Layout.leftMargin: 8
                    spacing: 1
                    Label {
                        id: title
                        Layout.fillWidth: true
                        elide: Text.ElideMiddle
                        font.pixelSize: Theme.fontTitle
                        font.weight: Font.DemiBold
                        color: Theme.text
                        text: {
                            switch (header.controller.modelState) {
                            case ChatController.NoModel: return qsTr("Choose a model")
                            case ChatController.Loading: return qsTr("Loading %1…").arg(header.controller.modelName)
                            default: return header.controller.modelName
                            }
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSmall
                        color: header.controller.modelState === ChatController.Failed ? Theme.error
                                                                                     : Theme.textMuted
                        visible: text.length > 0
                        text: {
                            switch (header.controller.modelState) {
                            case ChatController.NoModel: return qsTr("A nanoVLM checkpoint folder")
                            case ChatController.Loading: return header.server ? qsTr("Asking the server for its models")
                                                                              : qsTr("Mapping weights · %1%").arg(Math.round(header.controller.loadProgress * 100))
                            case ChatController.Failed: return header.server ? qsTr("Could not use this server")
                                                                             : qsTr("Could not load this checkpoint")
                            default: return header.controller.modelDetails
                            }
                        }
                    }
                }
                Icon {
                    Layout.rightMargin: 6
                    width: 16
                    height: 16
                    name: "chevron-down"
                    color: Theme.textMuted
                }
            }
        }

        Item { Layout.fillWidth: true }

        IconButton {
            objectName: "headerNewChatButton"
            iconName: "edit"
            tip: qsTr("New chat (Ctrl+N)")
            enabled: header.controller.messages.count > 0
            onClicked: header.controller.newChat()
        }
        IconButton {
            objectName: "aboutButton"
            iconName: "info"
            tip: qsTr("About nanoVLM Chat")
            onClicked: aboutDialog.open()
        }
        IconButton {
            objectName: "settingsButton"
            iconName: "sliders"
            tip: qsTr("Settings")
            onClicked: header.settingsRequested()
        }
    }

    AboutDialog {
        id: aboutDialog
        objectName: "aboutDialog"
    }

    ProgressBar {
        objectName: "loadProgressBar"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 2
        visible: header.controller.modelState === ChatController.Loading
        value: header.controller.loadProgress
    }

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.border
    }
}
