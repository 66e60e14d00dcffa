import QtQuick

// The ring around the control that has keyboard focus, drawn just outside it so that it shows
// on filled buttons too. Put it in a control's background with `shown: control.visualFocus`.
Rectangle {
    property bool shown: false

    objectName: "focusRing"
    anchors.fill: parent
    anchors.margins: -3
    radius: parent.radius !== undefined && parent.radius > 0 ? parent.radius + 3 : 4
    color: "transparent"
    border.width: 2
    border.color: Theme.accent
    visible: shown
}
