import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui
import NanoVlm.TestHelpers

// The model picker on the temporary Hugging Face cache tst_qml.cpp builds: one good checkpoint
// (lusxvr/nanoVLM-230M-8k, the tiny main fixture) and one truncated copy.
TestCase {
    id: test

    name: "Picker"
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
        id: progress
        signalName: "loadProgressChanged"
    }

    function openPicker() {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen)
        tryCompare(screen.catalog, "scanning", false, 5000)
        mouseClick(findChild(screen, "modelButton"))
        tryCompare(screen.modelPicker, "opened", true)
        tryCompare(screen.catalog, "scanning", false, 5000) // opening rescans
        return screen
    }

    function entries(screen) {
        const list = findChild(screen.modelPicker.contentItem, "modelList")
        verify(list)
        tryVerify(() => list.count === 2, 5000, "both cache entries are listed")
        const items = []
        for (let i = 0; i < list.count; ++i) {
            tryVerify(() => list.itemAtIndex(i) !== null)
            items.push(list.itemAtIndex(i))
        }
        return items
    }

    function test_showsGoodAndBrokenEntries() {
        const screen = openPicker()
        const [good, broken] = entries(screen)
        compare(findChild(good, "entryName").text, "lusxvr/nanoVLM-230M-8k")
        verify(good.usable, "a good checkpoint can be chosen")
        verify(good.summary.indexOf("main") === 0, good.summary)
        verify(good.needs.indexOf("20 image tokens") === 0, good.needs)
        verify(good.tokenizer.endsWith("tokenizer.json"), good.tokenizer)

        compare(findChild(broken, "entryName").text, "test/nanoVLM-truncated")
        verify(!broken.usable, "a broken checkpoint cannot be chosen")
        verify(!findChild(broken, "chooseTokenizerButton").visible, "it has its tokenizer")
        const reason = findChild(broken, "entryReason")
        verify(reason.visible)
        verify(reason.text.indexOf("truncated or damaged") >= 0, reason.text)

        mouseClick(broken) // nothing happens
        compare(screen.controller.modelState, ChatController.NoModel)
        verify(screen.modelPicker.opened)
    }

    function test_choosingLoadsWithProgressThenShowsTheName() {
        const screen = openPicker()
        const [good] = entries(screen)
        ready.target = screen.controller
        ready.clear()
        progress.target = screen.controller
        progress.clear()
        mouseClick(good)
        // The load is queued to the worker: right now the header says Loading, with its bar.
        compare(screen.controller.modelState, ChatController.Loading)
        const bar = findChild(screen, "loadProgressBar")
        verify(bar.visible, "the progress bar shows while loading")
        tryCompare(screen.modelPicker, "visible", false)
        ready.wait(20000)
        verify(progress.count >= 2, "progress was reported: " + progress.count)
        compare(screen.controller.loadProgress, 1)
        verify(!bar.visible)
        compare(screen.controller.modelName, "lusxvr/nanoVLM-230M-8k")
        tryVerify(() => findChild(screen, "modelButton").Accessible.name.indexOf("lusxvr/nanoVLM-230M-8k") >= 0,
                  1000, "the header names the model")
        // Remembered for the next start.
        verify(screen.controller.settings.lastModel.indexOf("models--lusxvr--nanoVLM-230M-8k") >= 0,
               screen.controller.settings.lastModel)
    }

    function test_addAndRemoveAFolder() {
        const screen = openPicker()
        const catalog = screen.catalog
        const before = catalog.count
        catalog.addFolder(Fixtures.model)
        tryCompare(catalog, "count", before + 1, 5000)
        compare(catalog.folders.length, 1)
        const row = catalog.indexOf(Fixtures.model)
        verify(row >= 0)
        compare(catalog.data(catalog.index(row, 0), ModelCatalog.SourceRole), "folder")
        const remove = findChild(screen.modelPicker.contentItem, "removeFolderButton")
        verify(remove)
        mouseClick(remove)
        tryCompare(catalog, "count", before, 5000)
        compare(catalog.folders.length, 0)
    }
}
