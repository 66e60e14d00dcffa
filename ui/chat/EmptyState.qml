import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// What an empty chat says: how to start, for each state of the model.
ColumnLayout {
    id: empty

    required property ChatController controller
    readonly property bool demoReady: controller.modelIsDemo
                                      && controller.modelState === ChatController.Ready
    signal chooseModelRequested()
    // An example picture of the demo model was clicked: attach it and suggest its question.
    signal exampleChosen(url image, string question)

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
        font.capitalization: Font.MixedCase
        onClicked: empty.chooseModelRequested()
    }

    // The demo that ships with the app: say plainly what it is, and offer its pictures.
    Rectangle {
        objectName: "demoNotice"
        Layout.fillWidth: true
        Layout.topMargin: 4
        visible: empty.demoReady
        implicitHeight: demoColumn.implicitHeight + 24
        radius: Theme.radius
        color: Theme.accentSoft

        ColumnLayout {
            id: demoColumn
            anchors.fill: parent
            anchors.margins: 12
            spacing: 6

            Label {
                Layout.fillWidth: true
                text: qsTr("This is a demo model, trained only on simple shapes")
                color: Theme.text
                font.pixelSize: Theme.fontBody
                font.weight: Font.DemiBold
                wrapMode: Text.WordWrap
            }
            Label {
                Layout.fillWidth: true
                text: empty.controller.demoSummary
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.WordWrap
            }
        }
    }

    Label {
        Layout.fillWidth: true
        Layout.topMargin: 4
        horizontalAlignment: Text.AlignHCenter
        visible: empty.demoReady && empty.controller.demoExamples.length > 0
        text: qsTr("Try an example:")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
    }

    Flow {
        objectName: "demoExamples"
        Layout.alignment: Qt.AlignHCenter
        Layout.preferredWidth: Math.min(empty.width, examplesRepeater.count * 92)
        visible: empty.demoReady
        spacing: 12

        Repeater {
            id: examplesRepeater
            model: empty.controller.demoExamples

            ItemDelegate {
                id: example
                required property var modelData
                required property int index
                objectName: "demoExample" + index
                width: 80
                height: 80
                padding: 0
                ToolTip.visible: hovered
                ToolTip.text: modelData.question
                onClicked: empty.exampleChosen(modelData.image, modelData.question)

                contentItem: Thumbnail {
                    source: example.modelData.image
                    backdrop: Theme.window
                    fit: true
                }
            }
        }
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
