import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Qt.labs.platform as Platform

// Chooses a folder: the folder you are in is the one chosen. A click on a subfolder goes into
// it, ↑ goes up, and the path can be typed or pasted (Enter goes there). Qt 6.4's own
// FolderDialog (where no native one exists) chooses the highlighted subfolder instead and
// cannot choose a folder without subfolders, such as a checkpoint.
Dialog {
    id: chooser

    property url folder: Platform.StandardPaths.writableLocation(Platform.StandardPaths.HomeLocation)
    // The folder chosen, as a local path, once accepted.
    readonly property string folderPath: toPath(folder)
    property string chooseText: qsTr("Choose this folder")

    signal folderChosen(string path)

    function toPath(url) {
        const s = String(url)
        return s.startsWith("file://") ? decodeURIComponent(s.substring(7)) : s
    }
    function toUrl(path) {
        return "file://" + path.split("/").map(encodeURIComponent).join("/")
    }
    function go(path) {
        let p = path.trim()
        if (p.startsWith("~"))
            p = toPath(Platform.StandardPaths.writableLocation(Platform.StandardPaths.HomeLocation)) + p.substring(1)
        if (p.length > 1 && p.endsWith("/"))
            p = p.substring(0, p.length - 1)
        if (p.startsWith("/"))
            folder = toUrl(p)
        pathField.text = folderPath
    }
    function up() {
        const p = folderPath
        const cut = p.lastIndexOf("/")
        go(cut > 0 ? p.substring(0, cut) : "/")
    }

    objectName: "folderChooser"
    modal: true
    focus: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, (parent ? parent.width : 560) - 32)
    height: Math.min(520, (parent ? parent.height : 520) - 32)
    padding: 12
    onOpened: {
        pathField.text = folderPath
        pathField.forceActiveFocus()
    }
    onAccepted: {
        go(pathField.text) // typed but not yet entered
        folderChosen(folderPath)
    }

    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }

    // Qt.labs.folderlistmodel may be missing (a Debian package of its own): the path field
    // still works without the list.
    readonly property var folders: {
        try {
            return Qt.createQmlObject("import Qt.labs.folderlistmodel; FolderListModel { showFiles: false; showHidden: false; showDotAndDotDot: false }", chooser)
        } catch (error) {
            return null
        }
    }
    Binding {
        target: chooser.folders
        when: chooser.folders !== null
        property: "folder"
        value: chooser.folder
    }

    header: Label {
        padding: 14
        bottomPadding: 0
        text: chooser.title
        color: Theme.text
        font.pixelSize: Theme.fontTitle
        font.weight: Font.DemiBold
        elide: Text.ElideRight
    }

    contentItem: ColumnLayout {
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 4
            IconButton {
                objectName: "folderUpButton"
                iconName: "arrow-up"
                tip: qsTr("Up to the folder above")
                onClicked: chooser.up()
            }
            TextField {
                id: pathField
                objectName: "folderPathField"
                Layout.fillWidth: true
                selectByMouse: true
                font.pixelSize: Theme.fontBody - 1
                placeholderText: qsTr("Type or paste a folder, then Enter")
                Accessible.name: qsTr("Folder")
                onAccepted: chooser.go(text)
            }
        }

        Label {
            Layout.fillWidth: true
            text: qsTr("Type a path above, or go into a folder below. %1 takes the folder shown above.").arg("“" + chooser.chooseText + "”")
            wrapMode: Text.Wrap
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }

        ListView {
            id: list
            objectName: "subfolderList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: chooser.folders
            activeFocusOnTab: count > 0
            keyNavigationEnabled: true
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            Keys.onReturnPressed: currentItem && currentItem.clicked()
            delegate: ItemDelegate {
                required property string fileName
                required property string filePath
                width: ListView.view.width
                height: 34
                text: fileName
                font.pixelSize: Theme.fontBody - 1
                icon.source: ""
                highlighted: ListView.isCurrentItem && list.activeFocus
                onClicked: chooser.go(filePath)
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("No folders inside this one.")
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "folderCancelButton"
            text: qsTr("Cancel")
            flat: true
            font.capitalization: Font.MixedCase
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        Button {
            objectName: "chooseFolderButton"
            text: chooser.chooseText
            highlighted: true
            font.capitalization: Font.MixedCase
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
    }
}
