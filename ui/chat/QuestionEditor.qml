import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// A sent question opened for editing: Enter (or "Send") asks it again, Escape (or "Cancel")
// leaves it as it was. Shift+Enter starts a new line, as in the composer.
Rectangle {
    id: editor

    property alias text: area.text

    signal submitted(string question)
    signal cancelled()

    function focusText() {
        area.forceActiveFocus()
        area.cursorPosition = area.length
    }
    function submit() {
        if (area.text.trim().length > 0)
            submitted(area.text)
    }

    implicitHeight: layout.implicitHeight + 20
    radius: 18
    color: Theme.surface
    border.color: Theme.accent
    border.width: 1

    ColumnLayout {
        id: layout
        x: 14
        y: 10
        width: parent.width - 28
        spacing: 8

        TextArea {
            id: area
            objectName: "questionEditArea"
            Layout.fillWidth: true
            wrapMode: TextEdit.Wrap
            color: Theme.text
            font.pixelSize: Theme.fontBody
            background: null
            padding: 0
            Keys.onPressed: event => {
                if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                        && !(event.modifiers & Qt.ShiftModifier)) {
                    editor.submit()
                    event.accepted = true
                } else if (event.key === Qt.Key_Escape) {
                    editor.cancelled()
                    event.accepted = true
                }
            }
        }

        RowLayout {
            Layout.alignment: Qt.AlignRight
            spacing: 8
            Button {
                objectName: "questionEditCancel"
                text: qsTr("Cancel")
                flat: true
                onClicked: editor.cancelled()
            }
            Button {
                objectName: "questionEditSend"
                text: qsTr("Send")
                highlighted: true
                enabled: area.text.trim().length > 0
                onClicked: editor.submit()
            }
        }
    }
}
