import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// The chat list as a first session meets it: a click on a chat only ever opens it (never the
// hover buttons that appear under the pointer), and a hidden list always comes back.
TestCase {
    id: test

    name: "Sidebar"
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

    function createScreen(withModel) {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        const controller = screen.controller
        controller.settings.persistent = false
        controller.settings.maxNewTokens = 4
        controller.settings.threads = 1
        controller.conversations.folder = Fixtures.newChatsFolder()
        finished.target = controller
        ready.target = controller
        if (withModel) {
            ready.clear()
            controller.loadModel(Fixtures.model, Fixtures.tokenizer)
            ready.wait(20000)
        }
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

    // The pointer arrives on a chat's title and clicks at once (a touchpad tap): whatever the
    // spot, the chat opens and nothing is deleted or exported.
    function test_aClickOnAChatOnlyOpensIt_data() {
        return [40, 70, 90, 130, 180, 205, 225].map(x => ({tag: "x=" + x, x: x}))
    }
    function test_aClickOnAChatOnlyOpensIt(data) {
        const screen = createScreen(true)
        const conversations = screen.controller.conversations
        ask(screen, "Is the square red?")
        const chat = conversations.idAt(0)
        screen.controller.newChat() // the chat is saved and no longer the open one
        compare(conversations.currentId, "")
        const sidebar = findChild(screen, "chatSidebar")
        const r = row(screen, chat)
        mouseMove(sidebar, sidebar.width - 2, sidebar.height - 60) // away from every row
        wait(50)
        mouseMove(r, data.x, r.height / 2)
        mouseClick(r, data.x, r.height / 2)
        compare(conversations.count, 1, "the chat is still there")
        verify(!sidebar.exportDialog.visible, "no export dialog")
        compare(conversations.currentId, chat, "the click opened the chat")
    }

    // Once the buttons have been seen under the pointer, they work.
    function test_restingOnAChatArmsItsButtons() {
        const screen = createScreen(true)
        const conversations = screen.controller.conversations
        ask(screen, "Is the square red?")
        const chat = conversations.idAt(0)
        screen.controller.newChat()
        const r = row(screen, chat)
        const remove = findChild(r, "deleteButton")
        const spot = remove.mapToItem(r, remove.width / 2, remove.height / 2)
        mouseMove(r, spot.x, spot.y)
        tryVerify(() => remove.enabled && remove.opacity === 1, 2000, "the buttons are shown")
        mouseClick(remove)
        compare(conversations.count, 0, "deleted on purpose")
    }

    function test_aHiddenListComesBack() {
        const screen = createScreen(false)
        const sidebar = findChild(screen, "chatSidebar")
        verify(sidebar.visible)
        mouseClick(findChild(screen, "collapseSidebarButton"))
        verify(!sidebar.visible)
        const show = findChild(screen, "showSidebarButton")
        tryVerify(() => show.visible && show.width > 0 && show.mapToItem(screen, 0, 0).x >= 0)
        // Not under the (opaque) header: the header's content (the app mark first) starts right
        // of the button, and the button is drawn over the header.
        const header = Array.from(show.parent.children).find(c => c !== show && c.visible)
        const mark = header.children[0].children[0]
        tryVerify(() => mark.mapToItem(screen, 0, 0).x >= show.mapToItem(screen, show.width, 0).x,
                  2000, "the header makes room for the button")
        const siblings = Array.from(show.parent.children)
        verify(siblings.indexOf(show) > siblings.indexOf(header), "the button is above the header")
        mouseClick(show)
        verify(sidebar.visible, "the header's button shows the list again")
        mouseClick(findChild(screen, "collapseSidebarButton"))
        verify(!screen.controller.settings.chatListShown, "hiding is remembered")
        mouseClick(show)
        verify(screen.controller.settings.chatListShown)

        keySequence("Ctrl+B")
        verify(!sidebar.visible, "Ctrl+B hides it")
        keySequence("Ctrl+B")
        verify(sidebar.visible, "and shows it")
    }

    // Shown on a wide window, then the window made narrow (800 x 600): the list becomes an
    // overlay, and a visible button opens it.
    function test_aNarrowedWindowCanShowTheList() {
        const screen = createScreen(false)
        const sidebar = findChild(screen, "chatSidebar")
        verify(sidebar.visible)
        screen.width = 800
        screen.height = 600
        tryVerify(() => !sidebar.visible)
        const show = findChild(screen, "showSidebarButton")
        tryVerify(() => show.visible && show.width > 0)
        mouseClick(show)
        verify(sidebar.visible)
        keySequence("Ctrl+B")
        verify(!sidebar.visible, "Ctrl+B closes the overlay")
    }
}
