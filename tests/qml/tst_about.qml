import QtQuick
import QtTest
import NanoVlm.App
import NanoVlm.Ui

// The About dialog, opened from the header as a user opens it: it names this build's version
// and git commit.
TestCase {
    id: test

    name: "About"
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

    function test_aboutShowsVersionAndCommit() {
        const screen = createTemporaryObject(screenComponent, test)
        verify(screen, "the chat screen loads")
        verify(/^\d+\.\d+\.\d+$/.test(AppInfo.version), AppInfo.version)
        verify(/^([0-9a-f]{7,40}(-dirty)?|unknown)$/.test(AppInfo.commit), AppInfo.commit)

        mouseClick(findChild(screen, "aboutButton"))
        const dialog = findChild(screen, "aboutDialog")
        verify(dialog, "the About dialog exists")
        tryCompare(dialog, "opened", true)
        const version = findChild(dialog.contentItem, "aboutVersion")
        verify(version && version.visible)
        verify(version.text.indexOf(AppInfo.version) >= 0, version.text)
        verify(version.text.indexOf(AppInfo.commit) >= 0, version.text)

        keyClick(Qt.Key_Escape)
        tryCompare(dialog, "visible", false)
    }
}
