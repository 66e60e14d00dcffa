import QtQuick
import QtQuick.Controls
import NanoVlm.App
import NanoVlm.Ui

// The conversation. It follows the newest text while an answer streams, unless the reader has
// scrolled up; then a button offers the way back down.
ListView {
    id: view

    required property ChatController controller
    // Keep the end in view as text arrives; cleared when the reader scrolls away.
    property bool following: true
    property bool scrollingToEnd: false // our own moves are not the reader's

    signal chooseModelRequested()
    signal exampleChosen(url image, string question)

    objectName: "messageList"
    readonly property alias imageViewer: imageViewer
    model: controller.messages
    clip: true
    spacing: 6
    topMargin: 20
    bottomMargin: 20
    boundsBehavior: Flickable.StopAtBounds
    reuseItems: false

    delegate: MessageDelegate {
        controller: view.controller
        width: ListView.view.width
        onImageOpened: source => imageViewer.show(source)
    }

    ImageViewer {
        id: imageViewer
        controller: view.controller
    }

    function followEnd() {
        scrollingToEnd = true
        positionViewAtEnd()
        scrollingToEnd = false
    }
    function jumpToEnd() {
        following = true
        followEnd()
    }

    onCountChanged: Qt.callLater(jumpToEnd)
    onContentHeightChanged: if (following) Qt.callLater(followEnd)
    // Dragging, flicking, the wheel and the scroll bar all move contentY.
    onContentYChanged: if (!scrollingToEnd) following = atYEnd

    ScrollBar.vertical: ScrollBar {
        policy: ScrollBar.AsNeeded
    }

    EmptyState {
        anchors.centerIn: parent
        width: Math.min(parent.width - 48, 520)
        visible: view.count === 0
        controller: view.controller
        onChooseModelRequested: view.chooseModelRequested()
        onExampleChosen: (image, question) => view.exampleChosen(image, question)
    }

    IconButton {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 12
        visible: !view.following && !view.atYEnd && view.count > 0
        iconName: "arrow-down"
        tip: qsTr("Jump to the latest message")
        background: Rectangle {
            radius: width / 2
            color: Theme.surface
            border.color: Theme.border
        }
        onClicked: view.jumpToEnd()
    }
}
