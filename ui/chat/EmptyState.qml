import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// What an empty chat says: how to start, for each state of the model.
ColumnLayout {
    id: empty

    required property ChatController controller
    signal chooseModelRequested()

    spacing: 12

    AppMark {
        Layout.alignment: Qt.AlignHCenter
        Layout.preferredWidth: 64
        Layout.preferredHeight: 64
        Layout.bottomMargin: 8
    }

    Label {
        Layout.fillWidth: true
        horizontalAlignment: Text.AlignHCenter
        text: qsTr("Ask about your images")
        color: Theme.text
        font.pixelSize: Theme.fontDisplay
        font.weight: Font.DemiBold
    }

    Label {
        objectName: "emptyHint"
        Layout.fillWidth: true
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        color: Theme.textMuted
        font.pixelSize: Theme.fontBody
        text: {
            switch (empty.controller.modelState) {
            case ChatController.NoModel:
                return qsTr("Choose a nanoVLM checkpoint folder to begin. Everything runs on this computer.")
            case ChatController.Loading:
                return qsTr("Loading the model…")
            case ChatController.Failed:
                return qsTr("That checkpoint could not be loaded. Choose another folder.")
            default:
                return qsTr("Drop images here or click Attach, then ask a question.")
            }
        }
    }

    Button {
        Layout.alignment: Qt.AlignHCenter
        visible: empty.controller.modelState === ChatController.NoModel
                 || empty.controller.modelState === ChatController.Failed
        text: qsTr("Choose model folder…")
        highlighted: true
        onClicked: empty.chooseModelRequested()
    }

    Label {
        Layout.fillWidth: true
        Layout.topMargin: 8
        horizontalAlignment: Text.AlignHCenter
        visible: empty.controller.modelState === ChatController.Ready
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
        text: qsTr("Enter sends  ·  Shift+Enter adds a line  ·  Esc stops  ·  Ctrl+V pastes an image")
    }
}
