import QtQuick
import QtQuick.Controls

// A picture cropped to a rounded square. Qt 6.4 without Qt5Compat has no opacity mask, so the
// corners are covered by a ring in the colour behind the thumbnail (`backdrop`).
Item {
    id: thumb

    property url source
    property color backdrop: Theme.window
    property int radius: Theme.radius
    property bool busy: false
    property bool fit: false // show the whole picture (letterboxed) instead of cropping
    readonly property alias status: picture.status // Image.Ready once shown
    // Width over height of the picture, once loaded in `fit` mode (which decodes it whole).
    readonly property real aspect: fit && picture.implicitHeight > 0
                                   ? picture.implicitWidth / picture.implicitHeight : 0

    implicitWidth: 72
    implicitHeight: 72
    clip: true // keeps the corner ring below off the neighbours

    Rectangle {
        anchors.fill: parent
        color: Theme.surfaceMuted
    }

    Image {
        id: picture
        anchors.fill: parent
        source: thumb.source
        // Decode at the size shown (twice, for HiDPI), not the camera's 12 megapixels.
        sourceSize.width: Math.ceil(thumb.width * 2)
        sourceSize.height: Math.ceil(thumb.height * 2)
        fillMode: thumb.fit ? Image.PreserveAspectFit : Image.PreserveAspectCrop
        autoTransform: true // a portrait photo's EXIF orientation, as the model reads it
        asynchronous: true
        smooth: true
        mipmap: true
        cache: true
    }

    Spinner {
        anchors.centerIn: parent
        width: 20
        height: 20
        running: thumb.busy || picture.status === Image.Loading
    }

    Icon {
        anchors.centerIn: parent
        width: 22
        height: 22
        name: "image"
        color: Theme.textFaint
        visible: picture.status === Image.Error
    }

    // The rounded corners: a thick ring that overhangs the square by its own width.
    Rectangle {
        readonly property real ring: thumb.radius + 2
        x: -ring
        y: -ring
        width: thumb.width + 2 * ring
        height: thumb.height + 2 * ring
        radius: thumb.radius + ring
        color: "transparent"
        border.width: ring
        border.color: thumb.backdrop
    }

    // A hairline so light pictures keep an edge on a light background.
    Rectangle {
        anchors.fill: parent
        radius: thumb.radius
        color: "transparent"
        border.width: 1
        border.color: Theme.dark ? "#18ffffff" : "#18000000"
    }
}
