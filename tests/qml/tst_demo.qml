import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// The demo model that ships with the app, as a first-time user meets it: the empty chat says
// it is a demo and offers example pictures; clicking one attaches it and suggests its question,
// and the answer names the right colour.
TestCase {
    id: test

    name: "Demo"
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

    function test_exampleColourQuestion() {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        const controller = screen.controller
        controller.settings.temperature = 0 // greedy: the answer the examples file records
        controller.settings.threads = 1
        ready.target = controller
        finished.target = controller
        controller.loadModel(Fixtures.demoModel)
        ready.wait(20000)

        verify(controller.modelIsDemo)
        compare(controller.modelName, "Demo: shapes")
        const notice = findChild(screen, "demoNotice")
        verify(notice)
        tryVerify(() => notice.visible, 2000, "the empty chat says this is a demo")
        verify(controller.demoExamples.length >= 3, "example pictures are offered")

        const examples = controller.demoExamples
        let colourExample = -1
        for (let i = 0; i < examples.length; ++i) {
            if (examples[i].question.toLowerCase().indexOf("color") >= 0) {
                colourExample = i
                break
            }
        }
        verify(colourExample >= 0, "an example asks a colour question")
        const thumbnail = findChild(screen, "demoExample" + colourExample)
        verify(thumbnail)
        tryVerify(() => thumbnail.visible && thumbnail.width > 0)
        waitForRendering(screen) // the Flow has placed every example
        mouseClick(thumbnail)

        tryCompare(controller.attachments, "count", 1, 5000)
        tryCompare(controller.attachments, "loading", false, 10000)
        compare(screen.composer.text, examples[colourExample].question)
        const input = findChild(screen, "questionInput")
        verify(input.activeFocus, "the suggested question waits in the focused composer")
        keyClick(Qt.Key_Return)
        verify(controller.busy)
        finished.wait(20000)

        const messages = controller.messages
        compare(messages.count, 2)
        const answer = messages.textAt(1)
        const colour = examples[colourExample].answer
        verify(colour.length > 0)
        verify(answer.toLowerCase().indexOf(colour) >= 0,
               "the answer \"" + answer + "\" names " + colour)
    }
}
