import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// One server the user added (ServerList's roles): choosing it makes that server answer; Remove
// forgets it and its key.
ItemDelegate {
    id: entry

    required property int index
    required property string address
    required property string label
    required property string baseUrl
    required property string maskedKey
    property bool current: false

    signal chosen(string address)
    signal removeRequested(int index)

    objectName: "serverEntry"
    hoverEnabled: true
    padding: 12
    Accessible.name: qsTr("%1, through the server %2").arg(label).arg(baseUrl)
    onClicked: entry.chosen(entry.address)

    background: Rectangle {
        radius: Theme.radiusSmall
        color: entry.current ? Theme.accentSoft : entry.hovered ? Theme.surfaceMuted : "transparent"
    }

    contentItem: RowLayout {
        spacing: 10
        Icon {
            Layout.alignment: Qt.AlignTop
            Layout.topMargin: 2
            width: 18
            height: 18
            name: entry.current ? "check" : "upload"
            color: entry.current ? Theme.accent : Theme.textMuted
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Label {
                    objectName: "serverEntryName"
                    Layout.fillWidth: true
                    text: entry.label
                    elide: Text.ElideMiddle
                    color: Theme.text
                    font.pixelSize: Theme.fontBody
                    font.weight: Font.DemiBold
                }
                Label {
                    text: qsTr("Server")
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
            }
            Label {
                Layout.fillWidth: true
                text: entry.maskedKey.length > 0 ? qsTr("%1 · API key %2").arg(entry.baseUrl).arg(entry.maskedKey)
                                                 : entry.baseUrl
                elide: Text.ElideMiddle
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall + 1
            }
        }
        Button {
            objectName: "removeServerButton"
            text: qsTr("Remove")
            flat: true
            font.capitalization: Font.MixedCase
            font.pixelSize: Theme.fontSmall
            Accessible.name: qsTr("Remove the server entry %1").arg(entry.label)
            onClicked: entry.removeRequested(entry.index)
        }
    }
}
