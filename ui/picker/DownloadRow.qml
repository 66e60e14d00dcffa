import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// One checkpoint in the picker's Download section (DownloadManager's roles): its size from the
// Hub, what it is, and its download: a progress bar with bytes, speed and time left, Pause,
// Resume and Cancel; once downloaded, Open.
Item {
    id: row

    required property int index
    required property string repo
    required property bool recommended
    required property string downloadState
    required property double sizeBytes
    required property double doneBytes
    required property double totalBytes
    required property double bytesPerSecond
    required property double secondsLeft
    required property string message
    required property string directory
    required property string details

    signal downloadRequested(string repo)
    signal pauseRequested(string repo)
    signal cancelRequested(string repo)
    signal openRequested(string directory)

    objectName: "downloadRow"
    implicitHeight: content.implicitHeight + 16

    function size(bytes) {
        if (bytes < 0)
            return qsTr("size unknown")
        if (bytes >= 1e9)
            return qsTr("%1 GB").arg((bytes / 1e9).toFixed(2))
        if (bytes >= 1e6)
            return qsTr("%1 MB").arg((bytes / 1e6).toFixed(1))
        return qsTr("%1 kB").arg((bytes / 1e3).toFixed(0))
    }
    function duration(seconds) {
        if (seconds < 0)
            return qsTr("—")
        if (seconds < 60)
            return qsTr("%1 s").arg(Math.ceil(seconds))
        if (seconds < 3600)
            return qsTr("%1 min").arg(Math.ceil(seconds / 60))
        return qsTr("%1 h %2 min").arg(Math.floor(seconds / 3600)).arg(Math.ceil(seconds % 3600 / 60))
    }

    readonly property bool active: downloadState === "downloading" || downloadState === "paused"

    ColumnLayout {
        id: content
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: 12
        anchors.rightMargin: 8
        spacing: 3

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Icon {
                width: 18
                height: 18
                name: row.downloadState === "downloaded" ? "check" : row.downloadState === "failed" ? "alert" : "cpu"
                color: row.downloadState === "downloaded" ? Theme.accent
                     : row.downloadState === "failed" ? Theme.error : Theme.textMuted
            }
            Label {
                objectName: "downloadRepo"
                Layout.fillWidth: true
                text: row.repo
                elide: Text.ElideMiddle
                color: Theme.text
                font.pixelSize: Theme.fontBody
                font.weight: Font.DemiBold
            }
            Label {
                visible: row.recommended
                text: qsTr("Recommended")
                color: Theme.accent
                font.pixelSize: Theme.fontSmall
                font.weight: Font.DemiBold
            }
            Label {
                objectName: "downloadSize"
                visible: !row.active
                text: row.downloadState === "downloaded" ? qsTr("Downloaded") : row.size(row.sizeBytes)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
            Button {
                objectName: "downloadButton"
                visible: row.downloadState === "available" || row.downloadState === "failed" || row.downloadState === "paused"
                text: row.downloadState === "paused" ? qsTr("Resume")
                    : row.downloadState === "failed" ? qsTr("Try again") : qsTr("Download")
                flat: true
                font.capitalization: Font.MixedCase
                Accessible.name: qsTr("%1 %2").arg(text).arg(row.repo)
                onClicked: row.downloadRequested(row.repo)
            }
            Button {
                objectName: "pauseButton"
                visible: row.downloadState === "downloading"
                text: qsTr("Pause")
                flat: true
                font.capitalization: Font.MixedCase
                onClicked: row.pauseRequested(row.repo)
            }
            Button {
                objectName: "cancelButton"
                visible: row.active
                text: qsTr("Cancel")
                flat: true
                font.capitalization: Font.MixedCase
                onClicked: row.cancelRequested(row.repo)
            }
            Button {
                objectName: "openButton"
                visible: row.downloadState === "downloaded"
                text: qsTr("Open")
                highlighted: true
                font.capitalization: Font.MixedCase
                Accessible.name: qsTr("Open %1").arg(row.repo)
                onClicked: row.openRequested(row.directory)
            }
        }
        Label {
            Layout.fillWidth: true
            Layout.leftMargin: 26
            visible: text.length > 0 && !row.active
            text: row.details
            elide: Text.ElideRight
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        ProgressBar {
            objectName: "downloadProgress"
            Layout.fillWidth: true
            Layout.leftMargin: 26
            visible: row.active
            from: 0
            to: Math.max(1, row.totalBytes)
            value: row.doneBytes
        }
        Label {
            objectName: "downloadProgressText"
            Layout.fillWidth: true
            Layout.leftMargin: 26
            visible: row.active
            text: row.totalBytes > 0
                  ? qsTr("%1 of %2 · %3/s · %4 left").arg(row.size(row.doneBytes)).arg(row.size(row.totalBytes))
                        .arg(row.size(row.bytesPerSecond)).arg(row.duration(row.secondsLeft))
                  : ""
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        Label {
            objectName: "downloadMessage"
            Layout.fillWidth: true
            Layout.leftMargin: 26
            visible: text.length > 0 && row.downloadState !== "downloaded"
            text: row.message
            wrapMode: Text.Wrap
            maximumLineCount: 4
            elide: Text.ElideRight
            color: row.downloadState === "failed" ? Theme.error : Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }
    }
}
