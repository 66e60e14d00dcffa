import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// One saved chat in the sidebar: its title and when it last changed; on hover (or when it is
// the open chat) rename, export and delete. A damaged file shows what is wrong with it and
// where it is, and can only be deleted.
//
// A click on the title only ever opens the chat: the buttons keep their place in the row even
// while hidden (so they never appear over the title mid-click), and a hidden row's buttons
// accept clicks only after the pointer has rested on the row for a moment (a tap or a click
// straight after arriving, before they are seen, cannot delete or export).
ItemDelegate {
    id: row

    required property int index
    required property string chatId
    required property string title
    required property date updated
    required property int turnCount
    required property bool damaged
    required property string path
    required property string problem
    required property bool current

    property bool editing: false
    property bool keyboardCurrent: false // the chat list's keyboard cursor is here
    readonly property bool actionsShown: !editing && (hovered || current || damaged)
    // The buttons were on screen long enough to be seen before a click.
    readonly property bool actionsArmed: actionsShown && (current || damaged || hoverSettled)
    property bool hoverSettled: false

    onHoveredChanged: {
        hoverSettled = false
        if (hovered)
            settleTimer.restart()
        else
            settleTimer.stop()
    }
    Timer {
        id: settleTimer
        interval: 350
        onTriggered: row.hoverSettled = row.hovered
    }

    signal openRequested(string chatId)
    signal renameRequested(string chatId, string title)
    signal deleteRequested(string chatId)
    signal exportRequested(string chatId, string title)

    function startRename() {
        editing = true
        nameField.text = title
        nameField.selectAll()
        nameField.forceActiveFocus()
    }

    function finishRename(accept) {
        if (!editing)
            return
        editing = false
        if (accept && nameField.text.trim().length > 0 && nameField.text !== title)
            renameRequested(chatId, nameField.text)
    }

    // "14:05" today, "Mon" this week, else "28 Nov".
    function when(t) {
        const now = new Date()
        const days = (now - t) / 86400000
        if (t.toDateString() === now.toDateString())
            return Qt.formatTime(t, "hh:mm")
        if (days < 6)
            return Qt.formatDate(t, "ddd")
        return Qt.formatDate(t, "d MMM")
    }

    objectName: "chatRow_" + chatId
    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: 54
    hoverEnabled: true
    focusPolicy: Qt.NoFocus // the list is the keyboard's stop; arrows move within it
    padding: 0
    Accessible.name: damaged ? qsTr("Damaged chat file %1").arg(path) : title
    ToolTip.visible: damaged && hovered
    ToolTip.text: qsTr("%1\n%2").arg(path).arg(problem)
    ToolTip.delay: 500

    onClicked: {
        if (!damaged && !editing)
            openRequested(chatId)
    }
    onDoubleClicked: {
        if (!damaged)
            startRename()
    }

    background: Rectangle {
        radius: Theme.radiusSmall
        color: row.current ? Theme.accentSoft
             : row.hovered ? Theme.surfaceMuted : "transparent"
        FocusRing {
            anchors.margins: 0
            shown: row.keyboardCurrent || row.activeFocus
        }
    }

    contentItem: RowLayout {
        spacing: 4

        ColumnLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            spacing: 2
            visible: !row.editing

            Label {
                Layout.fillWidth: true
                text: row.title
                textFormat: Text.PlainText // a question's <img src=…> must not be fetched
                elide: Text.ElideRight
                font.pixelSize: 14
                font.weight: row.current ? Font.DemiBold : Font.Normal
                color: row.damaged ? Theme.error : Theme.text
            }
            Label {
                Layout.fillWidth: true
                text: row.damaged ? qsTr("Damaged: %1").arg(row.problem)
                                  : row.turnCount === 1 ? qsTr("%1 · 1 question").arg(row.when(row.updated))
                                  : qsTr("%1 · %2 questions").arg(row.when(row.updated)).arg(row.turnCount)
                textFormat: Text.PlainText // the problem names a file, which may look like HTML
                elide: Text.ElideRight
                font.pixelSize: Theme.fontSmall
                color: row.damaged ? Theme.error : Theme.textMuted
            }
        }

        TextField {
            id: nameField
            objectName: "renameField"
            Layout.fillWidth: true
            Layout.leftMargin: 6
            visible: row.editing
            font.pixelSize: 14
            selectByMouse: true
            onAccepted: row.finishRename(true)
            onActiveFocusChanged: {
                if (!activeFocus)
                    row.finishRename(true)
            }
            Keys.onEscapePressed: row.finishRename(false)
        }

        Row {
            objectName: "rowActions"
            Layout.rightMargin: 4
            visible: !row.editing
            opacity: row.actionsShown ? 1 : 0
            enabled: row.actionsArmed
            IconButton {
                objectName: "renameButton"
                visible: !row.damaged
                implicitWidth: 28
                implicitHeight: 28
                iconSize: 15
                iconName: "edit"
                tip: qsTr("Rename")
                onClicked: row.startRename()
            }
            IconButton {
                objectName: "exportButton"
                visible: !row.damaged
                implicitWidth: 28
                implicitHeight: 28
                iconSize: 15
                iconName: "download"
                tip: qsTr("Export to Markdown…")
                onClicked: row.exportRequested(row.chatId, row.title)
            }
            IconButton {
                objectName: "deleteButton"
                implicitWidth: 28
                implicitHeight: 28
                iconSize: 15
                iconName: "trash"
                tip: qsTr("Delete")
                onClicked: row.deleteRequested(row.chatId)
            }
        }
    }
}
