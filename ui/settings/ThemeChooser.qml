import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// System / Light / Dark as one segmented control.
Rectangle {
    id: chooser

    property int theme: ChatSettings.SystemTheme
    signal chosen(int theme)

    implicitHeight: 36
    radius: Theme.radius
    color: Theme.surfaceMuted

    RowLayout {
        anchors.fill: parent
        anchors.margins: 3
        spacing: 3

        Repeater {
            model: [
                { value: ChatSettings.SystemTheme, label: qsTr("System") },
                { value: ChatSettings.LightTheme, label: qsTr("Light") },
                { value: ChatSettings.DarkTheme, label: qsTr("Dark") }
            ]
            delegate: AbstractButton {
                id: segment
                required property var modelData
                readonly property bool selected: chooser.theme === modelData.value
                Layout.fillWidth: true
                Layout.fillHeight: true
                hoverEnabled: true
                text: modelData.label
                Accessible.name: qsTr("%1 theme").arg(modelData.label)
                onClicked: chooser.chosen(modelData.value)
                background: Rectangle {
                    radius: Theme.radius - 3
                    color: segment.selected ? Theme.surface
                                            : segment.hovered ? Qt.rgba(0.5, 0.5, 0.5, 0.08) : "transparent"
                    border.width: segment.selected ? 1 : 0
                    border.color: Theme.border
                }
                contentItem: Label {
                    text: segment.text
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                    color: segment.selected ? Theme.text : Theme.textMuted
                    font.pixelSize: Theme.fontSmall + 1
                    font.weight: segment.selected ? Font.DemiBold : Font.Normal
                }
            }
        }
    }
}
