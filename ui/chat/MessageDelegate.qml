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
    required property int turn
    required property int version
    required property int versionCount
    property ChatController controller
    readonly property bool idle: controller !== null && !controller.busy

    signal imageOpened(url source)

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
            version: row.version
            versionCount: row.versionCount
            canEdit: row.idle && row.turn >= 0
                     && row.controller.modelState === ChatController.Ready
            onEditSubmitted: question => row.controller.editQuestion(row.turn, question)
            onVersionRequested: index => row.controller.showVersion(row.turn, false, index)
            onImageClicked: source => row.imageOpened(source)
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
            version: row.version
            versionCount: row.versionCount
            canSwitchVersion: row.idle && row.turn >= 0
            onVersionRequested: index => row.controller.showVersion(row.turn, true, index)
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
