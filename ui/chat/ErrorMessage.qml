import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// What went wrong, in the engine's own words (they name the file and what was expected).
Rectangle {
    id: card

    property string text

    implicitHeight: layout.implicitHeight + 24
    radius: Theme.radius
    color: Theme.errorSurface
    border.color: Theme.errorBorder

    RowLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        Icon {
            Layout.alignment: Qt.AlignTop
            Layout.topMargin: 1
            width: 20
            height: 20
            name: "alert"
            color: Theme.error
        }

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            Label {
                text: qsTr("Something went wrong")
                font.pixelSize: Theme.fontBody
                font.weight: Font.DemiBold
                color: Theme.error
            }
            TextEdit {
                objectName: "errorText"
                Layout.fillWidth: true
                text: card.text
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.text
                selectionColor: Theme.accent
                font.pixelSize: Theme.fontBody - 1
            }
        }
    }
}
