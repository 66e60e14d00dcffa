import QtQuick
import QtTest
import NanoVlm.Ui
import NanoVlm.TestHelpers

// Pictures are shown the way up they were taken: a phone's portrait photo is landscape pixels
// with an EXIF "rotate 90°", which the model reads upright; the chat must show it upright too.
TestCase {
    name: "Thumbnail"
    when: windowShown
    visible: true
    width: 200
    height: 200

    Thumbnail {
        id: thumb
        width: 100
        height: 100
        fit: true
        source: Fixtures.fixture("exif/landscape-pixels-rotate90.jpg")
    }

    function test_portraitPhotoIsShownUpright() {
        tryCompare(thumb, "status", Image.Ready, 5000)
        verify(thumb.aspect > 0.45 && thumb.aspect < 0.55,
               "40x20 pixels turned 90° are 20x40 (aspect 0.5), shown as " + thumb.aspect)
    }
}
