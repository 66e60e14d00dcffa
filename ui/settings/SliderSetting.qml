import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// A labelled slider with its value on the right and a line of help below.
ColumnLayout {
    id: setting

    property string label
    property string help
    property string valueText: value.toFixed(decimals)
    property int decimals: 2
    property alias from: slider.from
    property alias to: slider.to
    property alias stepSize: slider.stepSize
    property real value
    signal moved(real value)

    spacing: 0

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: setting.label
            color: Theme.text
            font.pixelSize: Theme.fontBody - 1
        }
        Label {
            text: setting.valueText
            color: Theme.textMuted
            font.pixelSize: Theme.fontBody - 1
        }
    }
    Slider {
        id: slider
        Layout.fillWidth: true
        Layout.leftMargin: -6
        Layout.rightMargin: -6
        Layout.preferredHeight: 34 // Material's 48 px is roomy for a panel of them
        value: setting.value
        snapMode: Slider.SnapAlways
        Accessible.name: setting.label
        onMoved: setting.moved(value)
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
