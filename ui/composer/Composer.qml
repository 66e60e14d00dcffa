import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import NanoVlm.App
import NanoVlm.Ui

// Where a question is written: pictures waiting to be sent, the text, Attach, and Send (Stop
// while an answer is written). Enter sends, Shift+Enter starts a new line.
Item {
    id: composer

    required property ChatController controller
    property alias text: input.text
    readonly property alias sendButton: sendButton
    // A problem of the window's own (no file dialog), shown like a refused picture.
    property string notice
    // Pictures alone can be sent: they are asked about with this question.
    readonly property string defaultQuestion: controller.attachments.count > 1
                                              ? qsTr("Describe these pictures.")
                                              : qsTr("Describe this picture.")
    readonly property bool canSend: controller.modelState === ChatController.Ready
                                    && !controller.busy && !controller.attachments.loading
                                    && (input.text.trim().length > 0
                                        || controller.attachments.count > 0)

    function send() {
        const question = input.text.trim().length > 0 ? input.text : defaultQuestion
        if (canSend && controller.send(question))
            input.clear()
    }
    // Puts `question` in the box with the cursor after it, ready to send or to add to.
    function prefill(question) {
        input.text = question
        input.cursorPosition = input.length
        input.forceActiveFocus()
    }
    function focusInput() { input.forceActiveFocus() }
    function attachFromDialog() { openDialog(fileDialog) }

    // Where no native dialog exists, QtQuick.Dialogs falls back to QML dialogs built on
    // Qt.labs.folderlistmodel; when that module is missing, Qt 6.4 crashes in open(). So check
    // for it once, and say what is missing rather than crash or leave a dead button.
    readonly property bool dialogsUsable: {
        try {
            Qt.createQmlObject("import Qt.labs.folderlistmodel; FolderListModel {}", composer).destroy()
            return true
        } catch (error) {
            return false
        }
    }
    readonly property string noDialogNotice: qsTr("No file dialog is available here (on Debian, install qml6-module-qt-labs-folderlistmodel). Drop images onto the window or paste them instead.")

    function openDialog(dialog) {
        if (!dialogsUsable) {
            notice = noDialogNotice
            return
        }
        dialog.open()
        Qt.callLater(() => {
            if (!dialog.visible)
                notice = noDialogNotice
        })
    }

    implicitHeight: column.implicitHeight + 20

    ColumnLayout {
        id: column
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 16
        width: Math.min(parent.width - 32, Theme.contentWidth + 40)
        spacing: 8

        ComposerNotice {
            Layout.fillWidth: true
            text: composer.notice.length > 0 ? composer.notice : composer.controller.attachments.error
            onDismissed: {
                composer.notice = ""
                composer.controller.attachments.clearError()
            }
        }

        Rectangle {
            id: box
            Layout.fillWidth: true
            implicitHeight: boxLayout.implicitHeight + 16
            radius: Theme.radiusLarge
            color: Theme.surface
            border.width: input.activeFocus ? 1.5 : 1
            border.color: input.activeFocus ? Theme.accent : Theme.border

            ColumnLayout {
                id: boxLayout
                anchors.fill: parent
                anchors.margins: 8
                spacing: 4

                AttachmentStrip {
                    Layout.fillWidth: true
                    Layout.leftMargin: 6
                    Layout.topMargin: 4
                    attachments: composer.controller.attachments
                    visible: count > 0
                }

                ScrollView {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.min(input.implicitHeight, 180)
                    ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

                    TextArea {
                        id: input
                        objectName: "questionInput"
                        placeholderText: composer.controller.modelState === ChatController.Ready
                                         ? qsTr("Ask about your images…")
                                         : qsTr("Choose a model to start")
                        placeholderTextColor: Theme.textFaint
                        wrapMode: TextArea.Wrap
                        color: Theme.text
                        selectionColor: Theme.accent
                        selectedTextColor: Theme.accentText
                        font.pixelSize: Theme.fontBody
                        leftPadding: 10
                        rightPadding: 10
                        topPadding: 8
                        bottomPadding: 8
                        background: null
                        focus: true
                        Accessible.name: qsTr("Question")

                        // Tab (and Ctrl+Tab) moves on to the next control, Shift+Tab back: a
                        // question has no use for tab characters, and the keyboard must not
                        // be stuck here.
                        Keys.onTabPressed: event => composer.moveFocus(input, true, event)
                        Keys.onBacktabPressed: event => composer.moveFocus(input, false, event)
                        Keys.onReturnPressed: event => composer.handleEnter(event)
                        Keys.onEnterPressed: event => composer.handleEnter(event)
                        Keys.onPressed: event => {
                            // A picture on the clipboard is attached; text pastes as usual.
                            if (event.matches(StandardKey.Paste) && composer.controller.attachments.paste())
                                event.accepted = true
                        }
                    }
                }

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 4

                    IconButton {
                        objectName: "attachButton"
                        iconName: "paperclip"
                        tip: qsTr("Attach images (Ctrl+O)")
                        onClicked: composer.attachFromDialog()
                    }
                    Label {
                        Layout.fillWidth: true
                        Layout.leftMargin: 4
                        elide: Text.ElideRight
                        color: Theme.textFaint
                        font.pixelSize: Theme.fontSmall
                        text: composer.controller.attachments.loading ? qsTr("Reading images…")
                            : composer.controller.busy ? qsTr("Esc stops the answer")
                            : qsTr("Enter to send, Shift+Enter for a new line")
                    }
                    IconButton {
                        id: sendButton
                        objectName: composer.controller.busy ? "stopButton" : "sendButton"
                        prominent: true
                        iconName: composer.controller.busy ? "stop" : "arrow-up"
                        iconSize: composer.controller.busy ? 14 : 18
                        tip: composer.controller.busy ? qsTr("Stop (Esc)") : qsTr("Send (Enter)")
                        enabled: composer.controller.busy || composer.canSend
                        onClicked: composer.controller.busy ? composer.controller.stop() : composer.send()
                    }
                }
            }
        }
    }

    function moveFocus(from, forward, event) {
        event.accepted = true
        const next = from.nextItemInFocusChain(forward)
        if (next)
            next.forceActiveFocus(forward ? Qt.TabFocusReason : Qt.BacktabFocusReason)
    }

    function handleEnter(event) {
        if (event.modifiers & Qt.ShiftModifier) {
            event.accepted = false // the text area inserts the new line
            return
        }
        event.accepted = true
        send()
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Attach images")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff)"),
                      qsTr("All files (*)")]
        onAccepted: composer.controller.attachments.addUrls(selectedFiles)
    }
}
