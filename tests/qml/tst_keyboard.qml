import QtQuick
import QtQuick.Controls
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// The chat window with the keyboard alone: Tab leaves the question box (no tab character),
// every control can be reached and shows that it has the focus, and Ctrl+Q quits.
TestCase {
    id: test

    name: "Keyboard"
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
    SignalSpy {
        id: quit
        signalName: "quitRequested"
    }

    function createScreen() {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        const controller = screen.controller
        controller.settings.persistent = false
        controller.settings.maxNewTokens = 4
        controller.settings.threads = 1
        controller.conversations.folder = Fixtures.newChatsFolder()
        finished.target = controller
        ready.target = controller
        ready.clear()
        controller.loadModel(Fixtures.model, Fixtures.tokenizer)
        ready.wait(20000)
        return screen
    }

    function type(text) {
        for (const c of text)
            keyClick(c)
    }

    function ringShown(item) {
        if (item.objectName === "focusRing" && item.visible)
            return true
        const children = item.children || []
        for (let i = 0; i < children.length; ++i) {
            if (ringShown(children[i]))
                return true
        }
        return false
    }

    // Text boxes show focus by their own border or underline; everything else by a ring.
    function showsFocus(item) {
        if (item.cursorVisible !== undefined)
            return true
        if (item instanceof ListView)
            return item.currentItem !== null && ringShown(item.currentItem)
        return ringShown(item)
    }

    function test_tabGoesRoundEveryControl() {
        const screen = createScreen()
        // One saved chat, so that the list is a stop.
        const input = findChild(screen, "questionInput")
        input.forceActiveFocus()
        type("Is the square red?")
        finished.clear()
        keyClick(Qt.Key_Return)
        finished.wait(20000)

        input.forceActiveFocus()
        type("hi")
        keyClick(Qt.Key_Tab)
        compare(input.text, "hi", "Tab typed nothing into the question")
        verify(!input.activeFocus, "Tab left the question box")

        const wanted = ["chatList", "newChatButton", "modelButton", "attachButton", "sendButton",
                        "settingsButton", "chatSearch"]
        const seen = {}
        const noRing = []
        input.forceActiveFocus()
        for (let i = 0; i < 40; ++i) {
            keyClick(Qt.Key_Tab)
            const item = test.Window.activeFocusItem
            verify(item, "something has the focus")
            let named = item
            while (named && named.objectName === "")
                named = named.parent
            let name = named ? named.objectName : "?"
            for (let up = item; up; up = up.parent) {
                if (up.objectName === "chatList")
                    name = "chatList" // a row of the list: the list's own stop
            }
            seen[name] = true
            if (!showsFocus(item))
                noRing.push(name)
            if (item === input)
                break
        }
        for (const name of wanted)
            verify(seen[name], name + " is reached by Tab; reached: " + Object.keys(seen).join(", "))
        compare(noRing, [], "every stop shows its focus")
        verify(input.activeFocus, "Tab comes back round to the question")

        keyClick(Qt.Key_Tab, Qt.ShiftModifier)
        verify(!input.activeFocus, "Shift+Tab leaves it backwards")
    }

    function test_theChatListOpensWithEnter() {
        const screen = createScreen()
        const input = findChild(screen, "questionInput")
        input.forceActiveFocus()
        type("Is the square red?")
        finished.clear()
        keyClick(Qt.Key_Return)
        finished.wait(20000)
        const chat = screen.controller.conversations.currentId
        screen.controller.newChat()
        const list = findChild(screen, "chatList")
        list.forceActiveFocus(Qt.TabFocusReason)
        keyClick(Qt.Key_Return)
        compare(screen.controller.conversations.currentId, chat)
    }

    function test_ctrlQQuits() {
        const screen = createScreen()
        quit.target = screen
        quit.clear()
        findChild(screen, "questionInput").forceActiveFocus()
        keySequence("Ctrl+Q")
        compare(quit.count, 1)
    }
}
