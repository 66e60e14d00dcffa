import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// About nanoVLM Chat: what this build is (version, git commit, Qt), where the models come from,
// and the licence. Opened from the header's info button.
Popup {
    id: about

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(440, parent ? parent.width - 32 : 440)
    modal: true
    focus: true
    padding: 24
    Overlay.modal: Rectangle {
        color: Theme.dark ? "#80000000" : "#40000000"
    }

    background: Rectangle {
        radius: Theme.radiusLarge
        color: Theme.surface
        border.color: Theme.border
    }

    component Paragraph: Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontBody - 1
        color: Theme.text
        linkColor: Theme.accent
        textFormat: Text.StyledText
        onLinkActivated: link => Qt.openUrlExternally(link)
        HoverHandler {
            enabled: parent.hoveredLink.length > 0
            cursorShape: Qt.PointingHandCursor
        }
    }

    contentItem: ColumnLayout {
        spacing: 14

        RowLayout {
            spacing: 14
            AppMark {
                Layout.preferredWidth: 52
                Layout.preferredHeight: 52
            }
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2
                Label {
                    text: qsTr("nanoVLM Chat")
                    color: Theme.text
                    font.pixelSize: Theme.fontTitle + 3
                    font.weight: Font.DemiBold
                }
                Label {
                    objectName: "aboutVersion"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Version %1 · commit %2").arg(AppInfo.version).arg(AppInfo.commit)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
                Label {
                    text: qsTr("Qt %1").arg(AppInfo.qtVersion)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
            }
            IconButton {
                Layout.alignment: Qt.AlignTop
                iconName: "x"
                tip: qsTr("Close")
                onClicked: about.close()
            }
        }

        Paragraph {
            text: qsTr("Ask questions about your images, answered on your own computer. "
                       + "Pictures and questions never leave your machine.")
        }
        Paragraph {
            text: qsTr("The answers come from <a href=\"https://github.com/huggingface/nanoVLM\">nanoVLM</a> "
                       + "vision-language models by Hugging Face, run by this app's own engine. "
                       + "The app downloads nothing: fetch a checkpoint such as "
                       + "<a href=\"https://huggingface.co/lusxvr/nanoVLM-230M-8k\">nanoVLM-230M-8k</a> "
                       + "and open its folder from the model menu.")
        }
        Paragraph {
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            text: qsTr("Licensed under the Apache License 2.0. Icons from "
                       + "<a href=\"https://feathericons.com\">Feather</a> (MIT).")
        }
    }
}
