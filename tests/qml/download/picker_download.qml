import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui

// The picker's Download section against the Hub stand-in: sizes asked from the Hub, the
// recommended checkpoint first, a download with visible progress, then usable and opened with
// one click.
TestCase {
    id: test

    name: "PickerDownload"
    when: windowShown
    visible: true
    width: 960
    height: 900

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

    function rows(section) {
        const found = []
        for (let i = 0; i < section.children.length; ++i) {
            if (section.children[i].objectName === "downloadRow")
                found.push(section.children[i])
        }
        return found
    }

    function shoot(name) {
        if (screenshotDir.length > 0)
            grabImage(test).save(screenshotDir + "/" + name + ".png")
    }

    function test_downloadThenOpen() {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        tryCompare(screen.catalog, "scanning", false, 5000)
        mouseClick(findChild(screen, "modelButton"))
        tryCompare(screen.modelPicker, "opened", true)
        const section = findChild(screen.modelPicker.contentItem, "downloadSection")
        verify(section)
        tryVerify(() => rows(section).length === 4, 5000)
        const first = rows(section)[0]
        compare(first.repo, "lusxvr/nanoVLM-230M-8k")
        verify(first.recommended)
        compare(first.downloadState, "available")
        // The size of config.json + model.safetensors + README.md, as the stand-in serves them.
        tryVerify(() => first.sizeBytes > 1700000 && first.sizeBytes < 1720000, 10000,
                  "size asked from the Hub")
        verify(first.details.indexOf("main") === 0, first.details)
        compare(screen.catalog.count, 0)

        mouseClick(findChild(first, "downloadButton"))
        tryCompare(first, "downloadState", "downloading")
        const bar = findChild(first, "downloadProgress")
        // The whole download's size (checkpoint and tokenizer) before any progress is shown.
        tryVerify(() => bar.visible && bar.to > first.sizeBytes && bar.value > 0.3 * bar.to
                        && bar.value < bar.to, 10000, "progress is visible mid-download")
        tryVerify(() => findChild(first, "downloadProgressText").text.indexOf("left") > 0, 5000)
        verify(findChild(first, "pauseButton").visible)
        shoot("picker-downloading")

        tryCompare(first, "downloadState", "downloaded", 30000)
        verify(findChild(first, "openButton").visible)
        tryVerify(() => screen.catalog.count === 1, 10000, "the catalogue lists it")
        const list = findChild(screen.modelPicker.contentItem, "modelList")
        tryVerify(() => list.itemAtIndex(0) !== null && list.itemAtIndex(0).usable, 5000,
                  "listed as usable")

        shoot("picker-downloaded")
        ready.target = screen.controller
        mouseClick(findChild(first, "openButton"))
        ready.wait(30000)
        compare(screen.controller.modelDirectory, first.directory)
    }

    function test_typedRepoIsChecked() {
        const screen = createTemporaryObject(screenComponent, test)
        mouseClick(findChild(screen, "modelButton"))
        tryCompare(screen.modelPicker, "opened", true)
        const section = findChild(screen.modelPicker.contentItem, "downloadSection")
        const field = findChild(section, "repoField")
        field.text = "not a repo"
        verify(!findChild(section, "downloadOtherButton").enabled)
        verify(findChild(section, "repoProblem").visible)
        field.text = "test/not-a-nanovlm"
        verify(findChild(section, "downloadOtherButton").enabled)
        mouseClick(findChild(section, "downloadOtherButton"))
        tryVerify(() => rows(section).length === 5, 5000)
        const added = rows(section)[4]
        tryCompare(added, "downloadState", "failed", 10000)
        verify(added.message.indexOf("not a nanoVLM checkpoint") >= 0, added.message)
    }
}
