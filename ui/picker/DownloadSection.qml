import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// The picker's "Download from Hugging Face" section: the published nanoVLM checkpoints and a
// field for any org/name, each downloaded into the Hugging Face cache by DownloadManager. The
// manager lives as long as the picker (the whole app), so a download goes on while the user
// chats; the catalogue above lists the checkpoint as soon as it is complete.
ColumnLayout {
    id: section

    // Emitted by a finished row's Open: the snapshot folder to load.
    signal openRequested(string directory)
    // A download finished: the catalogue should look again.
    signal completed(string directory)

    property alias manager: manager

    objectName: "downloadSection"
    spacing: 0
    onVisibleChanged: if (visible) manager.refresh()

    DownloadManager {
        id: manager
        onDownloaded: (repo, directory) => section.completed(directory)
    }

    Label {
        Layout.fillWidth: true
        Layout.leftMargin: 14
        Layout.topMargin: 8
        text: qsTr("Download from Hugging Face")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
        font.weight: Font.DemiBold
    }

    Repeater {
        model: manager
        delegate: DownloadRow {
            Layout.fillWidth: true
            onDownloadRequested: repo => manager.download(repo)
            onPauseRequested: repo => manager.pause(repo)
            onCancelRequested: repo => manager.cancel(repo)
            onOpenRequested: directory => section.openRequested(directory)
        }
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.leftMargin: 14
        Layout.rightMargin: 8
        spacing: 6
        TextField {
            id: repoField
            objectName: "repoField"
            Layout.fillWidth: true
            placeholderText: qsTr("Another repository: organisation/name")
            font.pixelSize: Theme.fontSmall + 1
            selectByMouse: true
            onAccepted: if (downloadOther.enabled) downloadOther.clicked()
        }
        Button {
            id: downloadOther
            objectName: "downloadOtherButton"
            text: qsTr("Download")
            flat: true
            font.capitalization: Font.MixedCase
            enabled: repoField.text.trim().length > 0 && manager.problemWith(repoField.text) === ""
            onClicked: {
                manager.download(repoField.text.trim())
                repoField.text = ""
            }
        }
    }
    Label {
        objectName: "repoProblem"
        Layout.fillWidth: true
        Layout.leftMargin: 14
        visible: repoField.text.trim().length > 0 && text.length > 0
        text: manager.problemWith(repoField.text)
        wrapMode: Text.Wrap
        color: Theme.error
        font.pixelSize: Theme.fontSmall
    }
    Label {
        Layout.fillWidth: true
        Layout.leftMargin: 14
        visible: manager.offline
        text: qsTr("HF_HUB_OFFLINE is set: nothing is downloaded.")
        color: Theme.warning
        font.pixelSize: Theme.fontSmall
    }
}
