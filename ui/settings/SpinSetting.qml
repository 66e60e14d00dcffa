import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// A labelled whole-number field with a line of help below.
ColumnLayout {
    id: setting

    property string label
    property string help
    property alias from: spin.from
    property alias to: spin.to
    property alias stepSize: spin.stepSize
    property int value
    // How the value reads, e.g. "All (8)" for 0 threads.
    property var display: v => String(v)
    // Reads what the user typed back into a value (NaN: not understood).
    property var parse: text => parseInt(text)
    signal modified(int value)

    spacing: 2

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: setting.label
            color: Theme.text
            font.pixelSize: Theme.fontBody - 1
        }
        SpinBox {
            id: spin
            Layout.preferredWidth: 150
            editable: true
            value: setting.value
            textFromValue: (v, locale) => setting.display(v)
            valueFromText: (text, locale) => {
                const n = setting.parse(text)
                return isNaN(n) ? value : Math.max(from, Math.min(to, n))
            }
            objectName: "spinBox"
            Accessible.name: setting.label
            onValueModified: setting.modified(value)
        }
    }
    Label {
        Layout.fillWidth: true
        visible: setting.help.length > 0
        text: setting.help
        wrapMode: Text.WordWrap
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
    }
}
