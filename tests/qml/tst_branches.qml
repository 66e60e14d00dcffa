import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// Editing a sent question and regenerating an answer, driven as a user does: the edit button,
// typing, Enter; the "‹ 1/2 ›" switcher; then the chat reopened from its file by a new window.
TestCase {
    id: test

    name: "Branches"
    when: windowShown
    visible: true
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

    function createScreen(folder) {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen, "the chat screen loads")
        const settings = screen.controller.settings
        settings.persistent = false
        settings.maxNewTokens = 8
        settings.threads = 1
        settings.temperature = 0 // greedy: the same question gives the same answer
        screen.controller.conversations.folder = folder
        finished.target = screen.controller
        finished.clear()
        ready.target = screen.controller
        ready.clear()
        screen.controller.loadModel(Fixtures.model, Fixtures.tokenizer)
        ready.wait(20000)
        return screen
    }

    function type(text) {
        for (const c of text)
            keyClick(c)
    }

    function ask(screen, question) {
        const input = findChild(screen, "questionInput")
        input.forceActiveFocus()
        type(question)
        keyClick(Qt.Key_Return)
        finished.wait(20000)
    }

    function rowItem(screen, row) {
        const list = screen.messageList
        list.positionViewAtIndex(row, ListView.Contain)
        tryVerify(() => list.itemAtIndex(row) !== null, 5000, "row " + row + " is shown")
        return list.itemAtIndex(row)
    }

    function clickChild(item, name) {
        const child = findChild(item, name)
        verify(child, name)
        tryVerify(() => child.visible && child.enabled, 5000, name + " can be clicked")
        mouseClick(child)
    }

    function branchLabel(screen, row) {
        const label = findChild(rowItem(screen, row), "branchLabel")
        return label && label.parent.visible ? label.text : ""
    }

    function shoot(item, name) {
        if (Fixtures.screenshotFolder.length === 0)
            return
        wait(300) // icons are Canvas items, painted after they appear
        grabImage(item).save(Fixtures.screenshotFolder + "/" + name + ".png")
    }

    function test_editSwitchAndReopen() {
        const folder = Fixtures.newChatsFolder()
        const screen = createScreen(folder)
        const messages = screen.controller.messages
        screen.dropFiles([Fixtures.image])
        tryCompare(screen.controller.attachments, "loading", false, 10000)
        ask(screen, "What is in this picture?")
        ask(screen, "And the colours?")
        compare(messages.count, 4)
        const firstAnswer = messages.textAt(3)
        compare(branchLabel(screen, 2), "", "one version: no switcher")

        // Edit the second question and send it with Enter.
        clickChild(rowItem(screen, 2), "editQuestionButton")
        const area = findChild(rowItem(screen, 2), "questionEditArea")
        tryVerify(() => area.visible && area.activeFocus, 5000, "the editor has the focus")
        compare(area.text, "And the colours?")
        keySequence(StandardKey.SelectAll)
        type("What shape is it?")
        keyClick(Qt.Key_Return)
        finished.wait(20000)
        compare(messages.count, 4, "the answer below is replaced, not added")
        compare(messages.textAt(2), "What shape is it?")
        verify(messages.textAt(3).length > 0)
        const editedAnswer = messages.textAt(3)
        tryCompare(findChild(rowItem(screen, 2), "branchLabel"), "text", "2/2")
        shoot(screen, "edited-question")

        // ‹ shows the first version with its own answer.
        clickChild(rowItem(screen, 2), "branchPrevious")
        tryCompare(messages, "count", 4)
        compare(messages.textAt(2), "And the colours?")
        compare(messages.textAt(3), firstAnswer)
        tryCompare(findChild(rowItem(screen, 2), "branchLabel"), "text", "1/2")

        // Regenerate keeps the first answer as a version of the answer.
        clickChild(rowItem(screen, 3), "regenerateButton")
        finished.wait(20000)
        tryCompare(findChild(rowItem(screen, 3), "branchLabel"), "text", "2/2")
        shoot(screen, "regenerated-answer")

        // A new window reads the chat file: both versions of the question are there.
        const id = screen.controller.conversations.currentId
        verify(id.length > 0)
        const reopened = createScreen(folder)
        verify(reopened.controller.openConversation(id))
        const again = reopened.controller.messages
        compare(again.count, 4)
        compare(again.textAt(2), "And the colours?")
        tryCompare(findChild(rowItem(reopened, 2), "branchLabel"), "text", "1/2")
        tryCompare(findChild(rowItem(reopened, 3), "branchLabel"), "text", "2/2")
        clickChild(rowItem(reopened, 2), "branchNext")
        tryCompare(again, "count", 4)
        compare(again.textAt(2), "What shape is it?")
        compare(again.textAt(3), editedAnswer)
    }

    function test_escapeCancelsAnEdit() {
        const screen = createScreen(Fixtures.newChatsFolder())
        ask(screen, "What is this?")
        clickChild(rowItem(screen, 0), "editQuestionButton")
        const area = findChild(rowItem(screen, 0), "questionEditArea")
        tryVerify(() => area.activeFocus)
        type(" more")
        keyClick(Qt.Key_Escape)
        verify(!area.visible, "the editor closes")
        compare(screen.controller.messages.count, 2)
        compare(screen.controller.messages.textAt(0), "What is this?")
        verify(!screen.controller.busy, "nothing was asked")
    }
}
