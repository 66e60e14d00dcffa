import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// Exporting a chat as a user does: the save dialog's button says what it does, and afterwards the
// sidebar says where the file went, with a way to open its folder.
TestCase {
    id: test

    name: "Export"
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

    function test_exportSaysWhereItWent() {
        const screen = createTemporaryObject(screenComponent, test)
        const controller = screen.controller
        controller.settings.persistent = false
        controller.settings.maxNewTokens = 4
        controller.settings.threads = 1
        const folder = Fixtures.newChatsFolder()
        controller.conversations.folder = folder
        ready.target = controller
        finished.target = controller
        controller.loadModel(Fixtures.model, Fixtures.tokenizer)
        ready.wait(20000)
        const input = findChild(screen, "questionInput")
        input.forceActiveFocus()
        for (const c of "Hi")
            keyClick(c)
        keyClick(Qt.Key_Return)
        finished.wait(20000)
        compare(controller.conversations.count, 1)

        const sidebar = findChild(screen, "chatSidebar")
        compare(sidebar.exportDialog.acceptLabel, "Export", "not \"Open\" in a save dialog")

        const bar = findChild(sidebar, "exportedBar")
        verify(!bar.visible)
        const id = controller.conversations.idAt(0)
        verify(controller.conversations.exportMarkdown(id, "file://" + folder + "/My export"))
        verify(bar.visible)
        compare(controller.conversations.exportedFile, folder + "/My export.md")
        verify(findChild(bar, "showExportButton").visible)
        mouseClick(findChild(bar, "dismissExportButton"))
        verify(!bar.visible)
    }
}
