import QtQuick
import QtQuick.Controls
import NanoVlm.Ui

// The heading of a group of settings.
Label {
    topPadding: 14
    bottomPadding: 2
    color: Theme.accent
    font.pixelSize: Theme.fontSmall
    font.weight: Font.DemiBold
    font.capitalization: Font.AllUppercase
    font.letterSpacing: 0.8
}
