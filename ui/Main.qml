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

    Component.onCompleted: {
        chatScreen.composer.focusInput()
        chatController.conversations.folder = chatsFolder
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
