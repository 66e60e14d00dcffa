import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui

// "Add a server…" driven as a user drives it, against the real `nanovlm serve` on 127.0.0.1
// (tst_qml_remote.cpp starts it and sets serverUrl): a wrong address says why, the right one
// lists the demo model, and a question about a picture is answered through the server, streamed
// into the chat, with the header naming where the answer came from.
TestCase {
    id: test

    name: "ChatThroughServer"
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

    function shoot(item, name) {
        if (screenshotDir.length > 0)
            grabImage(item).save(screenshotDir + "/" + name + ".png")
    }

    function type(text) {
        for (const c of text)
            keyClick(c)
    }

    function test_addServerAndChat() {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        const controller = screen.controller
        controller.settings.temperature = 0
        controller.settings.maxNewTokens = 24
        ready.target = controller
        finished.target = controller

        mouseClick(findChild(screen, "modelButton"))
        tryCompare(screen.modelPicker, "opened", true)
        mouseClick(findChild(screen.modelPicker.contentItem, "addServerButton"))
        const dialog = screen.modelPicker.serverDialog
        tryCompare(dialog, "opened", true)
        const url = findChild(dialog.contentItem, "serverUrlField")
        const connect = findChild(dialog.contentItem, "serverConnectButton")
        const add = findChild(dialog.contentItem, "serverAddButton")
        const error = findChild(dialog.contentItem, "serverError")
        verify(!add.enabled, "nothing to add before the server answered")

        // Nothing listens there: the dialog says so.
        url.forceActiveFocus()
        type(unusedUrl)
        mouseClick(connect)
        tryVerify(() => error.visible && error.text.indexOf("Cannot reach the server") >= 0, 15000,
                  "an unreachable server is named as such")
        verify(!add.enabled)

        // The real server, typed without /v1.
        url.forceActiveFocus() // Connect took it
        url.selectAll()
        type(serverUrl.replace("/v1", ""))
        keyClick(Qt.Key_Return)
        const box = findChild(dialog.contentItem, "serverModelBox")
        tryVerify(() => box.visible && box.count === 1, 15000, "the server's models are listed: " + error.text)
        compare(box.currentText, "demo-model")
        verify(!error.visible, error.text)
        verify(add.enabled)
        shoot(dialog.contentItem, "remote-add-server")
        shoot(test, "remote-add-server-window")

        mouseClick(add)
        ready.wait(15000)
        tryCompare(dialog, "visible", false)
        tryCompare(screen.modelPicker, "visible", false)
        compare(controller.modelDirectory, serverUrl + "#demo-model")
        const host = serverUrl.replace("http://", "").replace("/v1", "")
        compare(controller.modelName, "demo-model on " + host)

        // Picture and question, sent from the composer as a user would.
        controller.attachments.addUrls([demoImage])
        tryCompare(controller.attachments, "loading", false)
        const input = findChild(screen, "questionInput")
        input.forceActiveFocus()
        type("What color is the circle?")
        compare(input.text, "What color is the circle?")
        mouseClick(findChild(screen, "sendButton"))
        finished.wait(60000)
        const messages = controller.messages
        const answer = messages.textAt(1)
        verify(answer.length > 0, "the server's answer is in the chat")
        compare(answer, expectedAnswer)
        compare(messages.data(messages.index(1, 0), MessageModel.AnswerStateRole), MessageModel.Done)
        // The header says where answers come from.
        tryVerify(() => findChild(screen, "modelButton").Accessible.name.indexOf("demo-model on " + host) >= 0)
        wait(200)
        shoot(test, "remote-chat")

        // Listed in the picker from now on, and removable.
        mouseClick(findChild(screen, "modelButton"))
        tryCompare(screen.modelPicker, "opened", true)
        const entry = findChild(screen.modelPicker.contentItem, "serverEntry")
        verify(entry, "the server is a picker entry")
        verify(entry.current)
        shoot(test, "remote-picker")
        mouseClick(findChild(entry, "removeServerButton"))
        tryVerify(() => findChild(screen.modelPicker.contentItem, "serverEntry") === null)
        screen.modelPicker.close()
    }
}
