import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import NanoVlm.App
import NanoVlm.Ui

// The application window. main_gui.cpp sets the initial properties from the command line.
ApplicationWindow {
    id: appWindow

    property string initialModel
    property string initialTokenizer
    property string themeOverride // "", "light" or "dark" (--theme)
    property var initialAttachments: [] // image files from the command line ("Open with")
    property var script: ({})     // a scripted run (--ask ...), see ScriptedRun.qml
    property string chatsFolder   // where chats are saved; "" saves none

    readonly property bool systemDark: systemPalette.window.hslLightness < 0.5
    readonly property bool dark: themeOverride === "dark" ? true
                               : themeOverride === "light" ? false
                               : chatController.settings.theme === ChatSettings.DarkTheme ? true
                               : chatController.settings.theme === ChatSettings.LightTheme ? false
                               : systemDark

    width: 1040
    height: 760
    minimumWidth: 480
    minimumHeight: 420
    visible: true
    title: chatController.modelName.length > 0 ? qsTr("%1 — nanoVLM Chat").arg(chatController.modelName)
                                           : qsTr("nanoVLM Chat")
    color: Theme.window
    // Material writes button labels in capitals; ours (and the file dialogs') read as written.
    font.capitalization: Font.MixedCase

    Material.theme: dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent
    Material.primary: Theme.accent
    Material.background: Theme.surface
    Material.foreground: Theme.text

    SystemPalette {
        id: systemPalette
    }

    Binding {
        target: Theme
        property: "dark"
        value: appWindow.dark
    }

    ChatController {
        id: chatController
    }

    ChatScreen {
        id: chatScreen
        anchors.fill: parent
        controller: chatController
        catalog.commandLineFolder: appWindow.initialModel
        onQuitRequested: appWindow.close()
    }

    Loader {
        active: appWindow.script.questions !== undefined
        sourceComponent: ScriptedRun {
            window: appWindow
            screen: chatScreen
            controller: chatController
            script: appWindow.script
        }
    }

    readonly property bool scripted: script.questions !== undefined

    // The window's place and size, and the chat open last, come back at the next start (not in
    // scripted runs, which must neither read nor change the user's window).
    function restoreWindow() {
        const settings = chatController.settings
        const g = settings.windowGeometry
        if (g.width >= minimumWidth && g.height >= minimumHeight) {
            width = g.width
            height = g.height
            x = g.x
            y = g.y
        }
        if (settings.lastChat.length > 0 && initialAttachments.length === 0)
            chatController.openConversation(settings.lastChat)
    }
    onClosing: {
        if (!scripted && visibility === Window.Windowed)
            chatController.settings.windowGeometry = Qt.rect(x, y, width, height)
    }
    Connections {
        target: chatController.conversations
        enabled: !appWindow.scripted
        function onCurrentIdChanged() {
            chatController.settings.lastChat = chatController.conversations.currentId
        }
    }

    Component.onCompleted: {
        chatScreen.composer.focusInput()
        chatController.conversations.folder = chatsFolder
        if (!scripted)
            restoreWindow()
        for (const file of initialAttachments)
            chatController.attachments.addFile(file)
        const settings = chatController.settings
        if (initialModel.length > 0)
            chatController.loadModel(initialModel, initialTokenizer)
        else if (settings.lastModel.length > 0)
            chatController.loadModel(settings.lastModel, settings.lastTokenizer)
        else if (chatController.builtInDemoDirectory.length > 0)
            chatController.loadModel(chatController.builtInDemoDirectory)
    }
}
