import QtQuick
import QtQuick.Controls
import NanoVlm.Ui

// A question: its pictures, in the order the model reads them, above a bubble on the right.
Item {
    id: message

    property string text
    property var images: []

    // Versions of this question (edits) and whether it can be edited and sent again now.
    property int version: 0
    property int versionCount: 1
    property bool canEdit: false
    property bool editing: false

    signal editSubmitted(string question)
    signal imageClicked(url source) // opens the image viewer
    signal versionRequested(int index)
    signal copyRequested()

    readonly property real maxBubbleWidth: Math.max(200, width * 0.78)
    readonly property int pictureSize: images.length > 1 ? 132 : 220

    implicitHeight: column.height

    Column {
        id: column
        anchors.right: parent.right
        width: parent.width
        spacing: 6

        Flow {
            id: pictures
            anchors.right: parent.right
            width: Math.min(message.maxBubbleWidth,
                            message.images.length * (message.pictureSize + spacing))
            // A lone picture narrower than its slot sits at the right, above the bubble.
            layoutDirection: message.images.length === 1 ? Qt.RightToLeft : Qt.LeftToRight
            spacing: 6
            visible: message.images.length > 0

            Repeater {
                model: message.images
                delegate: Thumbnail {
                    required property string modelData
                    readonly property bool single: message.images.length === 1
                    objectName: "userMessageThumbnail"
                    // One picture is shown whole, in its own proportions (a question may be
                    // about its corners); several are cropped to squares in a row.
                    fit: single
                    width: single && aspect > 1 ? message.pictureSize
                         : single && aspect > 0 ? Math.max(88, message.pictureSize * aspect)
                         : message.pictureSize
                    height: !single ? message.pictureSize
                            : aspect >= 1 ? Math.max(88, message.pictureSize / aspect)
                            : aspect > 0 ? message.pictureSize
                            : message.pictureSize * 0.75
                    source: modelData
                    backdrop: Theme.window
                    radius: 14

                    MouseArea {
                        anchors.fill: parent
                        cursorShape: Qt.PointingHandCursor
                        onClicked: message.imageClicked(parent.source)
                    }
                }
            }
        }

        Rectangle {
            id: bubble
            anchors.right: parent.right
            visible: !message.editing
            width: Math.min(body.implicitWidth, message.maxBubbleWidth - 32) + 32
            height: body.height + 20
            radius: 18
            color: Theme.userBubble

            TextEdit {
                id: body
                x: 16
                y: 10
                width: bubble.width - 32
                text: message.text
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.userBubbleText
                selectionColor: Theme.accent
                selectedTextColor: Theme.accentText
                font.pixelSize: Theme.fontBody
            }
        }

        QuestionEditor {
            id: editor
            anchors.right: parent.right
            width: message.maxBubbleWidth
            visible: message.editing
            onCancelled: message.editing = false
            onSubmitted: question => {
                message.editing = false
                message.editSubmitted(question)
            }
        }

        Row {
            anchors.right: parent.right
            visible: !message.editing
            spacing: 2

            // Shown while the pointer is on the question (or the keyboard on Copy).
            CopyButton {
                anchors.verticalCenter: parent.verticalCenter
                opacity: hover.hovered || button.activeFocus || confirming ? 1 : 0
                tip: qsTr("Copy question")
                onCopyRequested: message.copyRequested()
            }
            BranchSwitcher {
                anchors.verticalCenter: parent.verticalCenter
                what: qsTr("version of this question")
                version: message.version
                count: message.versionCount
                enabled: message.canEdit
                onVersionRequested: index => message.versionRequested(index)
            }
            IconButton {
                objectName: "editQuestionButton"
                implicitWidth: 30
                implicitHeight: 30
                iconSize: 15
                iconName: "edit"
                tip: qsTr("Edit question")
                enabled: message.canEdit
                onClicked: {
                    editor.text = message.text
                    message.editing = true
                    editor.focusText()
                }
            }
        }
    }

    HoverHandler {
        id: hover
    }
}
