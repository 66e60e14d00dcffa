import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// What happens before the first token: "Encoding image 2 of 3, tile 4/17 · 1.2 s", with a thin
// bar when the stage knows how far it is.
ColumnLayout {
    id: line

    property string text
    property real progress: -1

    spacing: 6

    RowLayout {
        spacing: 8
        Spinner {
            Layout.preferredWidth: 16
            Layout.preferredHeight: 16
            running: line.visible
        }
        Label {
            objectName: "progressText"
            Layout.fillWidth: true
            text: line.text
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall + 1
            elide: Text.ElideRight
        }
    }

    Rectangle {
        Layout.preferredWidth: 220
        Layout.preferredHeight: 3
        radius: 1.5
        color: Theme.surfaceMuted
        visible: line.progress >= 0

        Rectangle {
            width: parent.width * Math.max(0, Math.min(1, line.progress))
            height: parent.height
            radius: parent.radius
            color: Theme.accent
            Behavior on width { NumberAnimation { duration: 120 } }
        }
    }
}
