import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// The chat screen driven as a user drives it: keys, clicks and dropped files, on the tiny
// parity checkpoint (its answers are gibberish; what matters is that they arrive).
TestCase {
    id: test

    name: "Chat"
    when: windowShown
    visible: true // TestCase hides itself by default; the screen must be on show
    width: 960
    height: 720

    Component {
        id: screenComponent
        ChatScreen {
            width: test.width
            height: test.height
            controller: ChatController {}
        }
    }

    SignalSpy {
        id: ready
        signalName: "modelReady"
    }
    SignalSpy {
        id: finished
        signalName: "answerFinished"
    }

    function createScreen(withModel) {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen, "the chat screen loads")
        const settings = screen.controller.settings
        settings.maxNewTokens = 16
        settings.threads = 1
        settings.temperature = 0.5
        finished.target = screen.controller
        finished.clear()
        if (withModel) {
            ready.target = screen.controller
            ready.clear()
            screen.controller.loadModel(Fixtures.model, Fixtures.tokenizer)
            ready.wait(20000)
        }
        return screen
    }

    function type(text) {
        for (const c of text)
            keyClick(c)
    }

    function focusedInput(screen) {
        const input = findChild(screen, "questionInput")
        verify(input)
        input.forceActiveFocus()
        verify(input.activeFocus)
        return input
    }

    function answerState(screen, row) {
        const messages = screen.controller.messages
        return messages.data(messages.index(row, 0), MessageModel.AnswerStateRole)
    }

    function test_askAboutAnImage() {
        const screen = createScreen(true)
        const input = focusedInput(screen)
        screen.dropFiles([Fixtures.image])
        tryCompare(screen.controller.attachments, "loading", false, 10000)
        const strip = findChild(screen, "attachmentStrip")
        verify(strip.visible, "the picture waits in the composer")
        compare(strip.count, 1)

        type("What is this?")
        compare(input.text, "What is this?")
        keyClick(Qt.Key_Return)
        verify(screen.controller.busy)
        finished.wait(20000)

        const messages = screen.controller.messages
        compare(messages.count, 2)
        compare(input.text, "", "the composer is emptied")
        compare(screen.controller.attachments.count, 0)
        compare(messages.data(messages.index(0, 0), MessageModel.ImagesRole).length, 1)
        verify(messages.textAt(1).length > 0)

        const list = screen.messageList
        tryVerify(() => list.itemAtIndex(1) !== null)
        const answer = findChild(list.itemAtIndex(1), "answerText")
        verify(answer && answer.visible, "the answer is on screen")
        verify(answer.length > 0) // rendered as Markdown, so not character for character
        const stats = findChild(list.itemAtIndex(1), "statsLine")
        verify(stats.visible)
        verify(stats.text.indexOf("to first token") >= 0, stats.text)
        verify(stats.text.indexOf("tokens/s") >= 0, stats.text)
    }

    function test_stop_data() {
        return [
            { tag: "Esc", useKey: true },
            { tag: "Stop button", useKey: false }
        ]
    }

    function test_stop(data) {
        const screen = createScreen(true)
        screen.controller.settings.maxNewTokens = 4000
        screen.controller.stepDelay = 5 // a tiny model would finish before we could press
        focusedInput(screen)
        type("Tell me a story")
        keyClick(Qt.Key_Return)
        const messages = screen.controller.messages
        tryVerify(() => messages.textAt(1).length > 0, 10000, "the answer streams")
        if (data.useKey) {
            keyClick(Qt.Key_Escape)
        } else {
            const stop = findChild(screen, "stopButton")
            verify(stop && stop.visible)
            mouseClick(stop)
        }
        finished.wait(2000)
        compare(answerState(screen, 1), MessageModel.Stopped)
        verify(messages.textAt(1).length > 0, "what was written stays")
        verify(!screen.controller.busy)
        verify(findChild(screen, "sendButton") !== null, "Send is back")
    }

    function test_badFileShowsAnError_data() {
        return [
            { tag: "not an image", file: "not_an_image.png", mention: "not_an_image.png" },
            { tag: "empty", file: "empty.png", mention: "empty" },
            { tag: "too large", file: "huge_30000x30000.png", mention: "megapixels" }
        ]
    }

    function test_badFileShowsAnError(data) {
        const screen = createScreen(false)
        screen.dropFiles([Fixtures.badImage(data.file)])
        tryVerify(() => screen.controller.attachments.error.length > 0, 10000)
        const notice = findChild(screen, "composerError")
        verify(notice)
        tryVerify(() => notice.visible, 1000, "the composer shows the problem")
        verify(notice.text.indexOf(data.mention) >= 0, notice.text)
        compare(screen.controller.attachments.count, 0)
        screen.controller.attachments.clearError()
        tryVerify(() => !notice.visible)
    }

    function test_keys_data() {
        return [
            { tag: "Return sends", key: Qt.Key_Return, modifiers: Qt.NoModifier, sent: true },
            { tag: "keypad Enter sends", key: Qt.Key_Enter, modifiers: Qt.KeypadModifier, sent: true },
            { tag: "Shift+Return adds a line", key: Qt.Key_Return, modifiers: Qt.ShiftModifier, sent: false }
        ]
    }

    function test_keys(data) {
        const screen = createScreen(true)
        const input = focusedInput(screen)
        type("a")
        keyClick(data.key, data.modifiers)
        type("b")
        if (data.sent) {
            finished.wait(20000)
            compare(screen.controller.messages.count, 2)
            compare(input.text, "b")
        } else {
            compare(screen.controller.messages.count, 0)
            compare(input.text, "a\nb")
        }
    }

    function test_nothingToSend() {
        const screen = createScreen(false)
        focusedInput(screen)
        type("Hello?")
        keyClick(Qt.Key_Return) // no model yet
        compare(screen.controller.messages.count, 0)
        const send = findChild(screen, "sendButton")
        verify(!send.enabled)
    }

    function test_newChatAndFollowUp() {
        const screen = createScreen(true)
        focusedInput(screen)
        type("First?")
        keyClick(Qt.Key_Return)
        finished.wait(20000)
        type("And then?")
        keyClick(Qt.Key_Return)
        finished.wait(20000)
        compare(screen.controller.messages.count, 4)
        keyClick(Qt.Key_N, Qt.ControlModifier)
        compare(screen.controller.messages.count, 0)
        const hint = findChild(screen, "emptyHint")
        tryVerify(() => hint.visible)
        verify(hint.text.indexOf("Drop images here or click Attach") >= 0, hint.text)
    }

    function test_emptyStateAsksForAModel() {
        const screen = createScreen(false)
        const hint = findChild(screen, "emptyHint")
        verify(hint.visible)
        verify(hint.text.indexOf("checkpoint") >= 0, hint.text)
    }

    function test_badCheckpointIsAMessage() {
        const screen = createScreen(false)
        screen.controller.loadModel(Fixtures.badImage(""), "")
        tryCompare(screen.controller, "modelState", ChatController.Failed, 10000)
        const list = screen.messageList
        tryVerify(() => list.itemAtIndex(0) !== null)
        const text = findChild(list.itemAtIndex(0), "errorText")
        verify(text && text.visible)
        verify(text.text.length > 0)
    }

    function test_modelPickerOpensAFolderDialog() {
        const screen = createScreen(false)
        mouseClick(findChild(screen, "modelButton"))
        tryCompare(screen.modelPicker, "opened", true)
        const item = findChild(screen.modelPicker.contentItem, "openFolderOnceButton")
        verify(item)
        tryVerify(() => item.visible)
        mouseClick(item)
        tryCompare(screen.folderDialog, "visible", true)
        screen.folderDialog.reject()
        tryCompare(screen.folderDialog, "visible", false)
    }

    function test_settingsPanelOpens() {
        const screen = createScreen(true)
        mouseClick(findChild(screen, "settingsButton"))
        tryCompare(screen.settingsPanel, "opened", true)
        screen.settingsPanel.close()
        tryCompare(screen.settingsPanel, "visible", false)
    }
}
