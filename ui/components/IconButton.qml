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
        Behavior on color { ColorAnimation { duration: 90 } }
        FocusRing {
            shown: control.visualFocus
        }
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

    // A press usually opens something (a dialog, a panel, a menu) that the tip must not cover;
    // it comes back once the pointer has really left and returns (opening a popup makes
    // `hovered` flicker, which must not bring the tip back over it).
    property bool tipDismissed: false
    readonly property bool tipShown: tipPopup.visible
    onPressed: tipDismissed = true
    onHoveredChanged: {
        if (hovered)
            tipRearm.stop()
        else if (tipDismissed)
            tipRearm.restart()
    }
    Timer {
        id: tipRearm
        interval: 600
        onTriggered: control.tipDismissed = false
    }
    // Its own tip rather than the shared attached one, which Qt 6.4 left on screen over a
    // popup opened by the click.
    ToolTip {
        id: tipPopup
        visible: control.hovered && !control.tipDismissed && control.tip.length > 0
        delay: 500
        text: control.tip
    }
}
