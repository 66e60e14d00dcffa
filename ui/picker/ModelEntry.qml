import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// One checkpoint in the model picker (ModelCatalog's roles). A usable one can be chosen; a
// broken one is greyed and says why, and how to fix it where that is known.
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
    property bool current: false

    signal chosen(string directory)

    objectName: "modelEntry"
    enabled: usable
    hoverEnabled: true
    padding: 12
    Accessible.name: usable ? qsTr("%1, %2").arg(name).arg(summary)
                            : qsTr("%1, cannot be used: %2").arg(name).arg(reason)
    onClicked: entry.chosen(entry.directory)

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
            Label {
                objectName: "entryReason"
                Layout.fillWidth: true
                visible: !entry.usable
                text: entry.reason
                wrapMode: Text.Wrap
                maximumLineCount: 4
                elide: Text.ElideRight
                color: Theme.error
                font.pixelSize: Theme.fontSmall
            }
        }
    }
}
