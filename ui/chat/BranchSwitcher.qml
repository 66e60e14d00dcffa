import QtQuick
import QtQuick.Controls
import NanoVlm.Ui

// "‹ 2/3 ›": which version of an edited question or a regenerated answer is shown, with the
// way to the others (as ChatGPT and LM Studio show it). Hidden while there is only one.
Row {
    id: switcher

    property int version: 0 // 0-based
    property int count: 1
    property string what: qsTr("version")

    signal versionRequested(int index)

    objectName: "branchSwitcher"
    visible: count > 1
    spacing: 0

    component Arrow: AbstractButton {
        id: arrow
        property string glyph
        implicitWidth: 26
        implicitHeight: 26
        hoverEnabled: true
        focusPolicy: Qt.TabFocus
        opacity: enabled ? 1 : 0.35
        background: Rectangle {
            radius: width / 2
            color: arrow.pressed ? Theme.border : arrow.hovered ? Theme.surfaceMuted : "transparent"
            border.width: arrow.visualFocus ? 2 : 0
            border.color: Theme.accent
        }
        contentItem: Label {
            text: arrow.glyph
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
            color: Theme.textMuted
            font.pixelSize: Theme.fontBody + 3
        }
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: Accessible.name
    }

    Arrow {
        objectName: "branchPrevious"
        glyph: "‹"
        enabled: switcher.enabled && switcher.version > 0
        Accessible.name: qsTr("Previous %1").arg(switcher.what)
        onClicked: switcher.versionRequested(switcher.version - 1)
    }
    Label {
        objectName: "branchLabel"
        anchors.verticalCenter: parent.verticalCenter
        text: "%1/%2".arg(switcher.version + 1).arg(switcher.count)
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
    }
    Arrow {
        objectName: "branchNext"
        glyph: "›"
        enabled: switcher.enabled && switcher.version + 1 < switcher.count
        Accessible.name: qsTr("Next %1").arg(switcher.what)
        onClicked: switcher.versionRequested(switcher.version + 1)
    }
}
