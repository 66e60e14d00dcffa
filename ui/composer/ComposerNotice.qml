import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// A picture that could not be attached, and why; closes with ×.
Rectangle {
    id: notice

    property string text
    signal dismissed()

    visible: text.length > 0
    implicitHeight: row.implicitHeight + 12
    radius: Theme.radius
    color: Theme.errorSurface
    border.color: Theme.errorBorder

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 4
        spacing: 8

        Icon {
            width: 16
            height: 16
            name: "alert"
            color: Theme.error
        }
        Label {
            objectName: "composerError"
            Layout.fillWidth: true
            text: notice.text
            wrapMode: Text.WordWrap
            color: Theme.text
            font.pixelSize: Theme.fontSmall + 1
        }
        IconButton {
            implicitWidth: 28
            implicitHeight: 28
            iconSize: 14
            iconName: "x"
            tip: qsTr("Dismiss")
            onClicked: notice.dismissed()
        }
    }
}
