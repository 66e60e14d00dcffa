import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// The in-app image viewer: a click on a picture in the chat opens it large, the buttons and the
// wheel zoom, "What the model sees" draws the loaded model's tiles, Escape closes.
TestCase {
    id: test

    name: "ImageViewer"
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

    function createScreen(model) {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen, "the chat screen loads")
        const settings = screen.controller.settings
        settings.persistent = false
        settings.maxNewTokens = 4
        settings.threads = 1
        settings.imageDetail = 0
        finished.target = screen.controller
        finished.clear()
        ready.target = screen.controller
        ready.clear()
        screen.controller.loadModel(model || Fixtures.model, Fixtures.tokenizer)
        ready.wait(20000)
        return screen
    }

    function askAboutThePicture(screen, image) {
        screen.dropFiles([image || Fixtures.image])
        tryCompare(screen.controller.attachments, "loading", false, 10000)
        const input = findChild(screen, "questionInput")
        input.forceActiveFocus()
        for (const c of "What is this?")
            keyClick(c)
        keyClick(Qt.Key_Return)
        finished.wait(20000)
        const list = screen.messageList
        tryVerify(() => list.itemAtIndex(0) !== null)
        const thumb = findChild(list.itemAtIndex(0), "userMessageThumbnail")
        verify(thumb)
        tryCompare(thumb, "status", Image.Ready, 5000)
        return thumb
    }

    function test_clickOpensEscapeCloses() {
        const screen = createScreen()
        const thumb = askAboutThePicture(screen)
        const viewer = screen.messageList.imageViewer
        verify(!viewer.opened)
        mouseClick(thumb)
        tryCompare(viewer, "opened", true)
        compare(viewer.source, Fixtures.image)
        const picture = findChild(viewer.contentItem, "imageViewerPicture")
        tryCompare(picture, "status", Image.Ready, 5000)
        compare(viewer.pictureSize.width, 300)
        compare(viewer.pictureSize.height, 200)

        // Zoom: the buttons and the wheel; fit goes back.
        const before = viewer.zoom
        mouseClick(findChild(viewer.contentItem, "zoomInButton"))
        verify(viewer.zoom > before, "zoomed in")
        mouseWheel(picture, picture.width / 2, picture.height / 2, 0, 120)
        verify(viewer.zoom > 1.5, "the wheel zooms too: " + viewer.zoom)
        mouseClick(findChild(viewer.contentItem, "fitButton"))
        compare(viewer.zoom, 1)

        keyClick(Qt.Key_Escape)
        tryCompare(viewer, "opened", false)
    }

    function test_theModelsTiles() {
        const screen = createScreen()
        const thumb = askAboutThePicture(screen)
        const viewer = screen.messageList.imageViewer
        mouseClick(thumb)
        tryCompare(viewer, "opened", true)
        tryCompare(findChild(viewer.contentItem, "imageViewerPicture"), "status", Image.Ready, 5000)
        const overlay = findChild(viewer.contentItem, "tileOverlay")
        verify(!overlay.visible)
        mouseClick(findChild(viewer.contentItem, "modelViewToggle"))
        tryCompare(overlay, "visible", true)

        // The tiny "main" checkpoint reads 300x200 as 2x2 tiles of 64 px and a global view:
        // 5 tiles of 4 image tokens (tst_image_tiling checks these against the engine).
        const expected = screen.controller.imageTiling(300, 200)
        compare(overlay.cols, expected.cols)
        compare(overlay.rows, expected.rows)
        compare(overlay.cols, 2)
        compare(overlay.rows, 2)
        const label = findChild(viewer.contentItem, "imageTokensLabel")
        verify(label.text.indexOf("5 × 4 = 20 image tokens") >= 0, label.text)
        verify(label.text.indexOf("global view") >= 0, label.text)
        verify(findChild(viewer.contentItem, "globalView").visible)

        // A lower image detail: one tile, no global view.
        screen.controller.settings.imageDetail = 1
        tryCompare(overlay, "cols", 1)
        compare(overlay.rows, 1)
        verify(label.text.indexOf("1 × 4 = 4 image tokens") >= 0, label.text)
        keyClick(Qt.Key_Escape)
        tryCompare(viewer, "opened", false)
    }

    // For a person to look at (NANOVLM_SCREENSHOT_DIR, _MODEL, _IMAGE): a wide photo with the
    // model's tiles over it.
    function test_screenshotOfTheModelsView() {
        if (Fixtures.screenshotFolder.length === 0)
            skip("no NANOVLM_SCREENSHOT_DIR")
        const screen = createScreen(Fixtures.screenshotModel)
        const thumb = askAboutThePicture(screen, Fixtures.screenshotImage)
        const viewer = screen.messageList.imageViewer
        mouseClick(thumb)
        tryCompare(viewer, "opened", true)
        tryCompare(findChild(viewer.contentItem, "imageViewerPicture"), "status", Image.Ready, 5000)
        mouseClick(findChild(viewer.contentItem, "modelViewToggle"))
        wait(300)
        grabImage(screen.Window.contentItem).save(Fixtures.screenshotFolder + "/image-viewer-tiles.png")
        mouseClick(findChild(viewer.contentItem, "zoomInButton"))
        wait(300)
        grabImage(screen.Window.contentItem).save(Fixtures.screenshotFolder + "/image-viewer-zoomed.png")
    }
}
