import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// The saved chats in the sidebar, used as a person uses them: two chats asked, switched
// between, one renamed, found by search, deleted and brought back; all in a throwaway folder.
TestCase {
    id: test

    name: "History"
    when: windowShown
    visible: true
    width: 1000
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

    function createScreen() {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        const controller = screen.controller
        controller.settings.persistent = false
        controller.settings.maxNewTokens = 6
        controller.settings.threads = 1
        controller.conversations.folder = Fixtures.newChatsFolder()
        finished.target = controller
        ready.target = controller
        ready.clear()
        controller.loadModel(Fixtures.model, Fixtures.tokenizer)
        ready.wait(20000)
        return screen
    }

    function ask(screen, question) {
        const input = findChild(screen, "questionInput")
        input.forceActiveFocus()
        for (const c of question)
            keyClick(c)
        finished.clear()
        keyClick(Qt.Key_Return)
        finished.wait(20000)
    }

    function row(screen, chatId) {
        const list = findChild(screen, "chatList")
        list.forceLayout()
        const item = findChild(list, "chatRow_" + chatId)
        verify(item, "the sidebar shows chat " + chatId)
        return item
    }

    function firstQuestion(screen) {
        return screen.controller.messages.textAt(0)
    }

    function test_twoChatsSwitchRenameDelete() {
        const screen = createScreen()
        const conversations = screen.controller.conversations
        verify(findChild(screen, "chatSidebar").visible, "a wide window shows the chat list")
        compare(conversations.count, 0)

        screen.dropFiles([Fixtures.smallImage])
        tryCompare(screen.controller.attachments, "loading", false, 10000)
        ask(screen, "Is the square red?")
        compare(conversations.count, 1)
        const red = conversations.idAt(0)
        compare(conversations.currentId, red)

        mouseClick(findChild(screen, "newChatButton"))
        compare(screen.controller.messages.count, 0)
        compare(conversations.currentId, "")
        ask(screen, "Is the circle blue?")
        compare(conversations.count, 2)
        const blue = conversations.idAt(0) // newest first
        verify(blue !== red)
        compare(conversations.idAt(1), red)

        // Switch to the first chat and back.
        mouseClick(row(screen, red))
        compare(conversations.currentId, red)
        compare(screen.controller.messages.count, 2)
        compare(firstQuestion(screen), "Is the square red?")
        // Its picture comes back from the chat's image store, not from the fixture file.
        const messages = screen.controller.messages
        const pictures = messages.data(messages.index(0, 0), MessageModel.ImagesRole)
        compare(pictures.length, 1)
        verify(String(pictures[0]).indexOf(conversations.folder + "/images/") >= 0, pictures[0])
        tryVerify(() => findChild(screen, "userMessageThumbnail") !== null, 5000,
                  "the reopened question shows its thumbnail")
        const thumbnail = findChild(screen, "userMessageThumbnail")
        tryCompare(thumbnail, "status", Image.Ready)
        // A lone picture is shown whole, in its own proportions: this one is square (64 x 64),
        // where a 4:3 crop would cut off its top and bottom.
        tryVerify(() => thumbnail.width === thumbnail.height, 5000,
                  "thumbnail " + thumbnail.width + " x " + thumbnail.height)
        mouseClick(row(screen, blue))
        compare(firstQuestion(screen), "Is the circle blue?")

        // Rename the open chat in place.
        mouseClick(findChild(row(screen, blue), "renameButton"))
        const field = findChild(row(screen, blue), "renameField")
        tryVerify(() => field.visible && field.activeFocus)
        keySequence(StandardKey.SelectAll)
        for (const c of "Circles")
            keyClick(c)
        keyClick(Qt.Key_Return)
        compare(row(screen, blue).title, "Circles")
        conversations.reload() // it is on disk, not only in the list
        compare(row(screen, blue).title, "Circles")

        // A follow-up in a reopened chat continues it.
        mouseClick(row(screen, red))
        ask(screen, "And the corners?")
        compare(screen.controller.messages.count, 4)
        compare(conversations.idAt(0), red)
        compare(row(screen, red).turnCount, 2)

        // Search by what was asked.
        const search = findChild(screen, "chatSearch")
        search.forceActiveFocus()
        for (const c of "corners")
            keyClick(c)
        compare(conversations.count, 1)
        compare(conversations.idAt(0), red)
        keyClick(Qt.Key_Escape)
        compare(conversations.count, 2)

        // Delete the open chat, then undo.
        mouseClick(findChild(row(screen, red), "deleteButton"))
        compare(conversations.count, 1)
        compare(screen.controller.messages.count, 0, "the deleted chat left the window")
        const undoBar = findChild(screen, "undoBar")
        verify(undoBar.visible)
        mouseClick(findChild(undoBar, "undoButton"))
        compare(conversations.count, 2)
        verify(!undoBar.visible)
        mouseClick(row(screen, red))
        compare(screen.controller.messages.count, 4)
    }

    function test_aFolderThatCannotBeWrittenIsAWarningAndTheChatStays() {
        const screen = createScreen()
        screen.controller.conversations.folder = "/proc/nanovlm-tests/chats" // never writable
        screen.width = 600 // the sidebar hidden: the warning shows anyway
        ask(screen, "Is the square red?")
        const banner = findChild(screen, "storageWarning")
        verify(banner.visible, "the failed save is shown")
        verify(screen.controller.conversations.warning.indexOf("/proc/nanovlm-tests/chats") >= 0)
        compare(screen.controller.messages.count, 2)
        ask(screen, "And the corners?") // the chat goes on in memory
        compare(screen.controller.messages.count, 4)
    }

    function test_aNarrowWindowHidesTheListUntilAsked() {
        const screen = createScreen()
        screen.width = 600
        const sidebar = findChild(screen, "chatSidebar")
        verify(!sidebar.visible)
        mouseClick(findChild(screen, "showSidebarButton"))
        verify(sidebar.visible)
        mouseClick(findChild(screen, "newChatButton"))
        verify(!sidebar.visible, "starting a chat closes the overlay")
    }
}
