import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// An answer: Markdown text as it streams in, the stage and elapsed time before the first
// token, and afterwards how fast it came (time to first token, tokens/s) with Copy and
// Regenerate.
Item {
    id: answer

    property string text
    property int answerState: MessageModel.Done
    property string status
    property real progress: -1
    property real ttftMs: -1
    property real tokensPerSecond: 0
    property int tokenCount: 0
    property bool canRegenerate: false
    readonly property bool streaming: answerState === MessageModel.Streaming
    // Versions of this answer (regenerations) and whether another one may be shown now.
    property int version: 0
    property int versionCount: 1
    property bool canSwitchVersion: false

    signal copyRequested()
    signal regenerateRequested()
    signal versionRequested(int index)

    implicitHeight: layout.implicitHeight

    function seconds(ms) {
        return ms < 1000 ? qsTr("%1 ms").arg(Math.round(ms)) : qsTr("%1 s").arg((ms / 1000).toFixed(2))
    }

    // Why the answer ended, when the model did not end it itself.
    readonly property string endingText: {
        switch (answerState) {
        case MessageModel.Stopped: return qsTr("Stopped")
        case MessageModel.Truncated: return qsTr("Reached the token limit")
        case MessageModel.ContextFull: return qsTr("The conversation filled the model's context; start a new chat")
        case MessageModel.Interrupted: return qsTr("Interrupted: the app closed while this answer was written")
        default: return ""
        }
    }

    // "0.42 s to first token · 18.3 tokens/s · 64 tokens"
    readonly property string statsText: {
        const parts = []
        if (ttftMs >= 0)
            parts.push(qsTr("%1 to first token").arg(seconds(ttftMs)))
        if (tokensPerSecond > 0)
            parts.push(qsTr("%1 tokens/s").arg(tokensPerSecond.toFixed(1)))
        if (tokenCount > 0)
            parts.push(tokenCount === 1 ? qsTr("1 token") : qsTr("%1 tokens").arg(tokenCount))
        return parts.join("  ·  ")
    }

    RowLayout {
        id: layout
        width: parent.width
        spacing: 12

        AppMark {
            Layout.alignment: Qt.AlignTop
            Layout.preferredWidth: 28
            Layout.preferredHeight: 28
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.topMargin: 3
            spacing: 8

            ProgressLine {
                Layout.fillWidth: true
                visible: answer.streaming && answer.status.length > 0
                text: answer.status
                progress: answer.progress
            }

            TextEdit {
                id: body
                objectName: "answerText"
                Layout.fillWidth: true
                visible: answer.text.length > 0
                text: answer.text
                textFormat: TextEdit.MarkdownText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.accentText
                font.pixelSize: Theme.fontBody
                onLinkActivated: link => Qt.openUrlExternally(link)

                // A caret after the last word while the answer is still coming.
                Rectangle {
                    readonly property rect end: body.positionToRectangle(body.length)
                    x: end.x + 2
                    y: end.y + 2
                    width: 8
                    height: Math.max(8, end.height - 4)
                    radius: 2
                    color: Theme.accent
                    visible: answer.streaming && body.text.length > 0
                    SequentialAnimation on opacity {
                        running: answer.streaming
                        loops: Animation.Infinite
                        NumberAnimation { from: 1; to: 0.2; duration: 500 }
                        NumberAnimation { from: 0.2; to: 1; duration: 500 }
                    }
                }
            }

            Label {
                visible: !answer.streaming && answer.text.length === 0
                text: qsTr("(no answer)")
                color: Theme.textFaint
                font.pixelSize: Theme.fontBody
                font.italic: true
            }

            RowLayout {
                Layout.fillWidth: true
                visible: !answer.streaming || answer.versionCount > 1
                spacing: 2

                BranchSwitcher {
                    what: qsTr("answer")
                    version: answer.version
                    count: answer.versionCount
                    enabled: answer.canSwitchVersion
                    onVersionRequested: index => answer.versionRequested(index)
                }
                Label {
                    objectName: "endingLabel"
                    visible: answer.endingText.length > 0
                    text: answer.endingText
                    color: Theme.warning
                    font.pixelSize: Theme.fontSmall
                    font.weight: Font.DemiBold
                    rightPadding: 10
                }
                Label {
                    objectName: "statsLine"
                    Layout.fillWidth: true
                    text: answer.statsText
                    elide: Text.ElideRight
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
                CopyButton {
                    tip: qsTr("Copy answer")
                    visible: answer.text.length > 0
                    onCopyRequested: answer.copyRequested()
                }
                IconButton {
                    objectName: "regenerateButton"
                    implicitWidth: 30
                    implicitHeight: 30
                    iconSize: 15
                    iconName: "refresh"
                    tip: qsTr("Regenerate answer")
                    visible: answer.canRegenerate
                    onClicked: answer.regenerateRequested()
                }
            }
        }
    }
}
