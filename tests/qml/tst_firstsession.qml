import QtQuick
import QtQuick.Controls
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// What a first session tripped over (issue 16): a checkpoint without its tokenizer, a failed
// load, the folder dialogs, the Threads control, and the small ones; and what it missed (Copy
// on questions, a time-remaining estimate).
TestCase {
    id: test

    name: "FirstSession"
    when: windowShown
    visible: true
    width: 1000
    height: 760

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
    SignalSpy {
        id: scanned
        signalName: "scanned"
    }

    function createScreen(model) {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        const controller = screen.controller
        controller.settings.persistent = false
        controller.settings.maxNewTokens = 4
        controller.settings.threads = 1
        controller.conversations.folder = Fixtures.newChatsFolder()
        finished.target = controller
        ready.target = controller
        if (model !== "") {
            ready.clear()
            controller.loadModel(model === undefined ? Fixtures.model : model,
                                 model === undefined ? Fixtures.tokenizer : "")
            ready.wait(20000)
        }
        return screen
    }

    function type(text) {
        for (const c of text)
            keyClick(c)
    }

    function ask(screen, question) {
        findChild(screen, "questionInput").forceActiveFocus()
        type(question)
        finished.clear()
        keyClick(Qt.Key_Return)
        finished.wait(20000)
    }

    function entryFor(screen, directory) {
        const list = findChild(screen.modelPicker.contentItem, "modelList")
        list.forceLayout()
        for (let i = 0; i < list.count; ++i) {
            list.positionViewAtIndex(i, ListView.Contain)
            const item = list.itemAtIndex(i)
            if (item && item.directory === directory)
                return item
        }
        return null
    }

    function errorCount(screen) {
        const messages = screen.controller.messages
        let n = 0
        for (let i = 0; i < messages.count; ++i) {
            if (messages.data(messages.index(i, 0), MessageModel.KindRole) === MessageModel.ErrorMessage)
                ++n
        }
        return n
    }

    // Defect 4: the entry itself offers "Choose tokenizer…"; the choice is remembered for that
    // checkpoint, which then loads and is listed as usable.
    function test_aCheckpointWithoutTokenizerGetsOneFromItsEntry() {
        const screen = createScreen()
        const working = screen.controller.modelDirectory
        const bare = Fixtures.checkpointWithoutTokenizer()
        verify(bare.length > 0)
        scanned.target = screen.catalog
        scanned.clear()
        screen.catalog.addFolder(bare)
        tryVerify(() => screen.catalog.indexOf(bare) >= 0 && !screen.catalog.scanning, 10000)

        screen.modelPicker.open()
        tryCompare(screen.modelPicker, "opened", true)
        let entry = null
        tryVerify(() => (entry = entryFor(screen, bare)) !== null, 5000)
        verify(!entry.usable)
        compare(entry.problem, "no_tokenizer")
        const reason = findChild(entry, "entryReason")
        verify(reason.visible)
        verify(reason.contentHeight <= reason.height + 1, "the whole reason is shown")
        const choose = findChild(entry, "chooseTokenizerButton")
        verify(choose && choose.visible && choose.enabled, "the entry offers a tokenizer")
        mouseClick(choose)
        const dialog = screen.tokenizerDialog
        tryCompare(dialog, "visible", true)
        compare(dialog.checkpoint, bare, "for the entry clicked, not the loaded model")
        compare(screen.controller.modelDirectory, working)

        // What the dialog's Open does with the file chosen (the dialog itself is Qt's).
        dialog.close()
        ready.clear()
        screen.useTokenizer(dialog.checkpoint, "file://" + Fixtures.tokenizer)
        ready.wait(20000)
        compare(screen.controller.modelDirectory, bare)

        // Listed as usable, with the tokenizer chosen, and chosen again like any other.
        screen.catalog.rescan()
        tryVerify(() => !screen.catalog.scanning)
        screen.modelPicker.open()
        tryVerify(() => (entry = entryFor(screen, bare)) !== null && entry.usable, 5000)
        compare(entry.tokenizer, Fixtures.tokenizer)
        screen.modelPicker.close()
    }

    // The folders added are remembered (in the tests' own settings): other tests list the
    // picker's entries, so none may stay behind.
    function cleanup() {
        const catalog = Qt.createQmlObject("import NanoVlm.App; ModelCatalog {}", test)
        for (const folder of catalog.folders)
            catalog.removeFolder(folder)
        catalog.destroy()
    }

    // Defect 4 and 9: a failed load leaves the working model in place, and its error goes once
    // a model loads.
    function test_aFailedLoadKeepsTheWorkingModel() {
        const screen = createScreen()
        const working = screen.controller.modelDirectory
        screen.controller.loadModel("/nonexistent/nanovlm-checkpoint")
        tryVerify(() => screen.controller.modelState !== ChatController.Loading, 20000)
        compare(screen.controller.modelState, ChatController.Ready, "the working model stays")
        compare(screen.controller.modelDirectory, working)
        compare(errorCount(screen), 1, "the failure is said")
        ask(screen, "Is the square red?") // and the model answers
        compare(screen.controller.messages.count, 3)

        screen.controller.newChat()
        screen.controller.loadModel("/proc/nanovlm-no-such-checkpoint")
        tryVerify(() => errorCount(screen) === 1, 20000)
        ready.clear()
        screen.controller.loadModel(Fixtures.model, Fixtures.tokenizer)
        ready.wait(20000)
        compare(errorCount(screen), 0, "the old problem's box is gone once a model loads")
    }

    // Defect 5: the folder you are in can be chosen, even one without subfolders, and a path
    // can be typed.
    function test_theFolderYouAreInIsTheOneChosen() {
        const screen = createScreen("")
        screen.modelPicker.open()
        tryCompare(screen.modelPicker, "opened", true)
        mouseClick(findChild(screen.modelPicker.contentItem, "addFolderButton"))
        const chooser = screen.modelPicker.addFolderDialog
        verify(chooser, "a folder chooser")
        tryCompare(chooser, "opened", true)
        const path = findChild(chooser.contentItem, "folderPathField")
        verify(path.activeFocus, "the path can be typed at once")
        path.selectAll()
        type(Fixtures.model) // a checkpoint: no subfolders
        keyClick(Qt.Key_Return)
        compare(chooser.folderPath, Fixtures.model)
        const choose = findChild(chooser.footer, "chooseFolderButton")
        verify(choose.enabled)
        mouseClick(choose)
        tryCompare(chooser, "visible", false)
        verify(screen.catalog.folders.indexOf(Fixtures.model) >= 0, screen.catalog.folders)
        screen.catalog.removeFolder(Fixtures.model)
    }

    // Defect 8: + means more threads; "All" is the most.
    function test_threadsRunForwards() {
        const screen = createScreen("")
        const settings = screen.controller.settings
        settings.threads = 0
        screen.settingsPanel.open()
        tryCompare(screen.settingsPanel, "position", 1)
        const spin = findChild(findChild(screen.settingsPanel.contentItem, "threadsSetting"), "spinBox")
        verify(spin)
        compare(spin.displayText, "All (" + settings.hardwareThreads + ")")
        spin.forceActiveFocus()
        keyClick(Qt.Key_Up)
        compare(settings.threads, 0, "nothing is more than all")
        if (settings.hardwareThreads > 1) {
            keyClick(Qt.Key_Down)
            compare(settings.threads, settings.hardwareThreads - 1, "- means fewer")
            keyClick(Qt.Key_Up)
            compare(settings.threads, 0, "+ goes back to all")
        }
        screen.settingsPanel.close()
    }

    // Defect 9: a tooltip goes when its button opens something.
    function test_aTooltipGoesWhenItsButtonIsClicked() {
        const screen = createScreen("")
        const button = findChild(screen, "settingsButton")
        mouseMove(button, button.width / 2, button.height / 2)
        tryVerify(() => button.tipShown, 3000, "the tip shows on hover")
        mouseClick(button)
        tryCompare(screen.settingsPanel, "position", 1)
        tryVerify(() => !button.tipShown, 1000, "the tip is not left over the settings")
        screen.settingsPanel.close()
    }

    // Defect 9: an example puts the cursor after its question.
    function test_anExampleLeavesTheCursorAtTheEnd() {
        const screen = createScreen(Fixtures.demoModel)
        const example = findChild(screen, "demoExample0")
        tryVerify(() => example && example.visible, 5000)
        mouseClick(example)
        const input = findChild(screen, "questionInput")
        verify(input.text.length > 0)
        verify(input.activeFocus)
        compare(input.cursorPosition, input.length)
    }

    // Defect 9: Undo of the open chat's deletion opens it again.
    function test_undoReopensTheDeletedChat() {
        const screen = createScreen()
        const conversations = screen.controller.conversations
        ask(screen, "Is the square red?")
        const chat = conversations.currentId
        const list = findChild(screen, "chatList")
        list.forceLayout()
        const row = findChild(list, "chatRow_" + chat)
        mouseClick(findChild(row, "deleteButton"))
        compare(screen.controller.messages.count, 0)
        mouseClick(findChild(findChild(screen, "undoBar"), "undoButton"))
        compare(conversations.currentId, chat)
        compare(screen.controller.messages.count, 2)
    }

    // Defect 9: a picture alone is sent, with the default question.
    function test_aPictureAloneCanBeSent() {
        const screen = createScreen()
        screen.dropFiles([Fixtures.smallImage])
        tryCompare(screen.controller.attachments, "loading", false, 10000)
        const send = findChild(screen, "sendButton")
        verify(send.enabled, "Send works with no text")
        finished.clear()
        mouseClick(send)
        finished.wait(20000)
        compare(screen.controller.messages.textAt(0), "Describe this picture.")
    }

    // Defect 9: every button reads as written (Material would write some in capitals).
    function test_noButtonInCapitals() {
        const screen = createScreen("")
        screen.modelPicker.open()
        tryCompare(screen.modelPicker, "opened", true)
        screen.settingsPanel.open()
        tryCompare(screen.settingsPanel, "position", 1)
        const shouting = []
        const visit = item => {
            if (item.text !== undefined && item.font !== undefined && item.flat !== undefined
                    && item.visible && item.font.capitalization === Font.AllUppercase)
                shouting.push(item.text)
            const children = item.children || []
            for (let i = 0; i < children.length; ++i)
                visit(children[i])
        }
        visit(screen)
        visit(screen.modelPicker.contentItem)
        visit(screen.settingsPanel.contentItem)
        compare(shouting, [])
        screen.settingsPanel.close()
        screen.modelPicker.close()
    }

    // Copy on a question, and a "Copied" confirmation.
    function test_copyAQuestion() {
        const screen = createScreen()
        ask(screen, "Is the square red?")
        const list = screen.messageList
        let copy = null
        tryVerify(() => {
            const buttons = []
            const visit = item => {
                if (item.objectName === "copyButton")
                    buttons.push(item)
                const children = item.children || []
                for (let i = 0; i < children.length; ++i)
                    visit(children[i])
            }
            visit(list)
            copy = buttons.length > 0 ? buttons[0] : null // the question comes first
            return copy !== null && copy.tip === "Copy question"
        }, 5000, "the question has a Copy button")
        mouseMove(copy, copy.width / 2, copy.height / 2)
        mouseClick(copy)
        const label = findChild(copy.parent, "copiedLabel")
        verify(label.visible, "Copied is confirmed")
    }

    // The wait for a long image encoding is estimated from the tiles done.
    function test_encodingSaysHowLongIsLeft() {
        const screen = createScreen()
        screen.controller.stepDelay = 1500
        screen.dropFiles([Fixtures.image])
        tryCompare(screen.controller.attachments, "loading", false, 10000)
        findChild(screen, "questionInput").forceActiveFocus()
        type("What is it?")
        finished.clear()
        keyClick(Qt.Key_Return)
        let text = ""
        tryVerify(() => {
            const p = findChild(screen.messageList, "progressText")
            text = p ? p.text : ""
            return text.indexOf("left") >= 0
        }, 20000, "an estimate appears: " + text)
        verify(/tile \d+\/\d+ · about \d+ s left/.test(text), text)
        screen.controller.stop()
        finished.wait(20000)
    }
}
