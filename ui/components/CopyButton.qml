import QtQuick
import QtQuick.Controls

// Copy, for a question or an answer: on click asks for the copy (copyRequested), then says
// "Copied" beside a check mark for a moment, so that the click is seen to have worked.
Row {
    id: copy

    property string tip: qsTr("Copy")
    readonly property bool confirming: shownFor.running
    readonly property alias button: button

    signal copyRequested()

    spacing: 2

    Label {
        objectName: "copiedLabel"
        anchors.verticalCenter: parent.verticalCenter
        visible: copy.confirming
        text: qsTr("Copied")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
    }
    IconButton {
        id: button
        objectName: "copyButton"
        implicitWidth: 30
        implicitHeight: 30
        iconSize: 15
        iconName: copy.confirming ? "check" : "copy"
        tip: copy.tip
        onClicked: {
            copy.copyRequested()
            shownFor.restart()
        }
    }
    Timer {
        id: shownFor
        interval: 1500
    }
}
