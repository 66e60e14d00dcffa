import QtQuick
import QtQuick.Controls
import NanoVlm.App
import NanoVlm.Ui

// A scripted run (nanovlm-chat --ask TEXT [--attach FILE]... [--screenshot PREFIX]): once the
// model is ready it attaches the pictures, asks each question in turn as a user would (text in
// the composer, then Send), saves a screenshot at each stage, and quits after the last answer.
// One line per stage goes to stderr, so a script or test can follow along.
Item {
    id: run

    required property ApplicationWindow window
    required property ChatScreen screen
    required property ChatController controller
    required property var script

    property int asked: 0
    property bool started: false
    property bool sawText: false
    property var taken: ({})

    function log(message) {
        console.info("nanovlm-chat script: " + message)
    }

    // Saves PREFIX-stage.png once per stage.
    function shoot(stage) {
        if (!script.screenshot || taken[stage])
            return
        taken[stage] = true
        const file = script.screenshot + "-" + stage + ".png"
        log((WindowCapture.save(window, file) ? "saved " : "could not save ") + file)
    }

    function start() {
        if (started)
            return
        started = true
        log("model ready")
        if (script.stepDelay > 0)
            controller.stepDelay = script.stepDelay
        controller.settings.persistent = false // the user's own settings stay as they are
        if (script.maxNewTokens > 0)
            controller.settings.maxNewTokens = script.maxNewTokens
        welcomed.start()
    }

    function compose() {
        for (const file of script.attach)
            controller.attachments.addFile(file)
        screen.composer.text = script.questions[0]
        if (!controller.attachments.loading)
            composed.start()
    }

    function ask() {
        log("attached: " + controller.attachments.count)
        log("asking: " + screen.composer.text)
        sawText = false
        screen.composer.send()
    }

    // The empty chat, once the window has drawn itself.
    Timer {
        id: welcomed
        interval: 400
        onTriggered: {
            run.shoot("welcome")
            run.compose()
        }
    }

    // Lets the thumbnails' asynchronous loads land before the composer is photographed.
    Timer {
        id: composed
        interval: 400
        onTriggered: {
            run.shoot("composer")
            run.ask()
        }
    }

    // Lets the last frame settle (icons repaint on the next frame) before the final shots:
    // the chat, then the settings panel over it.
    Timer {
        id: finished
        interval: 300
        onTriggered: {
            run.shoot("done")
            if (run.script.screenshot) {
                run.screen.settingsPanel.open()
                settingsShown.start()
            } else {
                Qt.quit()
            }
        }
    }
    Timer {
        id: settingsShown
        interval: 600 // the drawer's slide-in
        onTriggered: {
            run.shoot("settings")
            run.screen.settingsPanel.close()
            run.screen.modelPicker.open()
            pickerShown.start()
        }
    }
    Timer {
        id: pickerShown
        interval: 800 // the picker rescans as it opens
        onTriggered: {
            run.shoot("picker")
            run.screen.modelPicker.close()
            run.screen.toggleSidebar()
            sidebarHidden.start()
        }
    }
    // The chat list hidden, then shown again with the header's button; then the keyboard's
    // focus ring on Send, with a question typed.
    Timer {
        id: sidebarHidden
        interval: 400
        onTriggered: {
            run.shoot("sidebar-hidden")
            run.screen.toggleSidebar()
            sidebarShown.start()
        }
    }
    Timer {
        id: sidebarShown
        interval: 400
        onTriggered: {
            run.shoot("sidebar-shown")
            run.screen.composer.text = run.script.questions[0]
            run.screen.composer.sendButton.forceActiveFocus(Qt.TabFocusReason)
            sendFocused.start()
        }
    }
    Timer {
        id: sendFocused
        interval: 400
        onTriggered: {
            run.shoot("focus-send")
            Qt.quit()
        }
    }

    // "… · about 4 s left", once the frame shows it.
    Timer {
        id: estimateDrawn
        interval: 200
        onTriggered: run.shoot("estimate")
    }

    Connections {
        target: run.controller
        function onModelReady() { run.start() }
        function onModelChanged() {
            if (run.controller.modelState === ChatController.Failed) {
                run.log("model failed: " + run.controller.modelError)
                Qt.exit(1)
            }
        }
        function onAnswerFinished(row) {
            run.log("answer finished (" + run.controller.messages.count + " messages)")
            run.asked += 1
            if (run.asked < run.script.questions.length) {
                run.screen.composer.text = run.script.questions[run.asked]
                run.ask()
            } else {
                finished.start()
            }
        }
    }

    Connections {
        target: run.controller.attachments
        function onLoadingChanged() {
            if (run.started && !run.controller.attachments.loading && run.asked === 0)
                composed.start()
        }
    }

    Connections {
        target: run.controller.messages
        function onDataChanged(topLeft, bottomRight, roles) {
            const messages = run.controller.messages
            // Mid-way through the pictures: "Encoding image 2 of 2, tile 3/5".
            if (roles.indexOf(MessageModel.ProgressRole) >= 0
                    && String(messages.data(topLeft, MessageModel.StatusRole)).startsWith("Encoding")
                    && messages.data(topLeft, MessageModel.ProgressRole) > 0.6)
                run.shoot("progress")
            if (roles.indexOf(MessageModel.StatusRole) >= 0
                    && String(messages.data(topLeft, MessageModel.StatusRole)).indexOf(" left") >= 0
                    && !run.taken["estimate"])
                estimateDrawn.start()
            if (roles.indexOf(MessageModel.TextRole) >= 0) {
                if (!run.sawText) {
                    run.sawText = true
                    run.log("first token")
                }
                if (messages.data(topLeft, MessageModel.TextRole).length > 120)
                    run.shoot("streaming")
            }
        }
    }

    Component.onCompleted: {
        if (controller.modelState === ChatController.Ready)
            start()
    }
}
