import QtQuick
import QtQuick.Controls

// A round, flat button showing one Icon, with a tooltip that names it (also its accessible
// name). `prominent` gives the filled accent look of the composer's Send button.
AbstractButton {
    id: control

    property string iconName
    property string tip
    property bool prominent: false
    property color iconColor: prominent ? Theme.accentText : Theme.textMuted
    property int iconSize: 18

    implicitWidth: 36
    implicitHeight: 36
    hoverEnabled: true
    focusPolicy: Qt.TabFocus
    Accessible.name: tip
    opacity: enabled ? 1 : 0.45

    background: Rectangle {
        radius: width / 2
        color: control.prominent
               ? (control.hovered || control.pressed ? Theme.accentHover : Theme.accent)
               : (control.pressed ? Theme.border
                                  : control.hovered ? Theme.surfaceMuted : "transparent")
        border.width: control.visualFocus ? 2 : 0
        border.color: Theme.accent
        Behavior on color { ColorAnimation { duration: 90 } }
    }

    contentItem: Item {
        Icon {
            anchors.centerIn: parent
            width: control.iconSize
            height: control.iconSize
            name: control.iconName
            color: control.iconColor
            filled: control.iconName === "stop"
        }
    }

    ToolTip.visible: hovered && tip.length > 0
    ToolTip.delay: 500
    ToolTip.text: tip
}
