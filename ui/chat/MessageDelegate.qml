import QtQuick
import NanoVlm.App
import NanoVlm.Ui

// One row of the chat: picks the component for the message's kind. It holds no state of its
// own; everything shown comes from the model's roles (MessageModel::Roles).
Item {
    id: row

    required property int index
    required property int kind
    required property string text
    required property var images
    required property int answerState
    required property string status
    required property real progress
    required property real ttftMs
    required property real tokensPerSecond
    required property int tokenCount
    property ChatController controller

    implicitHeight: body.height + 12

    Loader {
        id: body
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(row.width - 40, Theme.contentWidth)
        sourceComponent: row.kind === MessageModel.UserMessage ? userMessage
                       : row.kind === MessageModel.AssistantMessage ? assistantMessage
                       : row.kind === MessageModel.NoticeMessage ? noticeMessage
                       : errorMessage
    }

    Component {
        id: userMessage
        UserMessage {
            width: body.width
            text: row.text
            images: row.images
            onCopyRequested: row.controller.copyMessage(row.index)
        }
    }

    Component {
        id: assistantMessage
        AssistantMessage {
            width: body.width
            text: row.text
            answerState: row.answerState
            status: row.status
            progress: row.progress
            ttftMs: row.ttftMs
            tokensPerSecond: row.tokensPerSecond
            tokenCount: row.tokenCount
            canRegenerate: row.controller !== null && row.controller.canRegenerate
                           && row.index === row.controller.messages.count - 1
            onCopyRequested: row.controller.copyMessage(row.index)
            onRegenerateRequested: row.controller.regenerate()
        }
    }

    Component {
        id: noticeMessage
        NoticeMessage {
            width: body.width
            text: row.text
        }
    }

    Component {
        id: errorMessage
        ErrorMessage {
            width: body.width
            text: row.text
        }
    }
}
