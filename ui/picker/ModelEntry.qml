import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// One checkpoint in the model picker (ModelCatalog's roles). A usable one can be chosen; a
// broken one is greyed and says why in full (with Copy: the fix is often a command), and one
// that lacks only its tokenizer offers "Choose tokenizer…" for this very checkpoint.
ItemDelegate {
    id: entry

    required property int index
    required property string directory
    required property string name
    required property string sourceLabel
    required property bool usable
    required property string reason
    required property string summary
    required property string needs
    required property string tokenizer
    required property string problem
    property bool current: false

    signal chosen(string directory, string tokenizer)
    signal tokenizerRequested(string directory)
    signal copyRequested(string text)

    objectName: "modelEntry"
    hoverEnabled: true
    padding: 12
    Accessible.name: usable ? qsTr("%1, %2").arg(name).arg(summary)
                            : qsTr("%1, cannot be used: %2").arg(name).arg(reason)
    onClicked: {
        if (entry.usable)
            entry.chosen(entry.directory, entry.tokenizer)
    }

    background: Rectangle {
        radius: Theme.radiusSmall
        color: entry.current ? Theme.accentSoft
             : entry.hovered && entry.usable ? Theme.surfaceMuted : "transparent"
    }

    contentItem: RowLayout {
        spacing: 10
        // Greyed as a whole rather than through `enabled`, which Material would fade further.
        opacity: entry.usable ? 1 : 0.6

        Icon {
            Layout.alignment: Qt.AlignTop
            Layout.topMargin: 2
            width: 18
            height: 18
            name: entry.current ? "check" : entry.usable ? "cpu" : "alert"
            color: entry.current ? Theme.accent : entry.usable ? Theme.textMuted : Theme.error
        }

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2

            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Label {
                    objectName: "entryName"
                    Layout.fillWidth: true
                    text: entry.name
                    elide: Text.ElideMiddle
                    color: Theme.text
                    font.pixelSize: Theme.fontBody
                    font.weight: Font.DemiBold
                }
                Label {
                    text: entry.sourceLabel
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
            }
            Label {
                Layout.fillWidth: true
                visible: text.length > 0
                text: entry.summary
                elide: Text.ElideRight
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall + 1
            }
            Label {
                Layout.fillWidth: true
                visible: entry.usable && text.length > 0
                text: entry.needs
                elide: Text.ElideRight
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall + 1
            }
            Label {
                Layout.fillWidth: true
                visible: entry.usable
                text: qsTr("Tokenizer: %1").arg(entry.tokenizer)
                elide: Text.ElideMiddle
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
            TextEdit { // selectable: the reason often ends with the command that fixes it
                objectName: "entryReason"
                Layout.fillWidth: true
                visible: !entry.usable
                text: entry.reason
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.error
                selectionColor: Theme.accent
                selectedTextColor: Theme.accentText
                font.pixelSize: Theme.fontSmall
            }
            RowLayout {
                visible: !entry.usable
                spacing: 4
                Button {
                    objectName: "chooseTokenizerButton"
                    visible: entry.problem === "no_tokenizer"
                    text: qsTr("Choose tokenizer…")
                    flat: true
                    font.capitalization: Font.MixedCase
                    font.pixelSize: Theme.fontSmall
                    Accessible.name: qsTr("Choose a tokenizer.json for %1").arg(entry.name)
                    onClicked: entry.tokenizerRequested(entry.directory)
                }
                Button {
                    objectName: "copyReasonButton"
                    text: copiedTimer.running ? qsTr("Copied") : qsTr("Copy")
                    flat: true
                    font.capitalization: Font.MixedCase
                    font.pixelSize: Theme.fontSmall
                    Accessible.name: qsTr("Copy what is wrong with %1").arg(entry.name)
                    onClicked: {
                        entry.copyRequested(entry.reason)
                        copiedTimer.restart()
                    }
                    Timer {
                        id: copiedTimer
                        interval: 1500
                    }
                }
            }
        }
    }
}
