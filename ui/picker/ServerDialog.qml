import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// "Add a server…": a server that speaks the OpenAI chat API (nanovlm serve, llama.cpp's
// server, vLLM, ...). Connect asks it for its models with the key typed and says what went wrong
// in words; the model chosen from its list is added to the picker and answers from then on.
// The key is masked here, and kept by ServerList in a file only the user can read.
Popup {
    id: dialog

    required property ServerList servers

    // The new entry's address, to load.
    signal added(string address)

    readonly property alias probe: probe

    objectName: "serverDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    focus: true
    padding: 18
    font.capitalization: Font.MixedCase
    width: Math.min(520, parent ? parent.width - 32 : 520)
    onOpened: {
        probe.clear()
        urlField.forceActiveFocus()
    }
    onClosed: keyField.clear() // the key lives in ServerList's file, not in this field

    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }

    ServerProbe {
        id: probe
    }

    function connectToServer() {
        if (urlField.text.trim().length > 0 && !probe.busy)
            probe.check(urlField.text, keyField.text)
    }

    contentItem: ColumnLayout {
        spacing: 8

        Label {
            text: qsTr("Add a server")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.weight: Font.DemiBold
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall + 1
            text: qsTr("Any server that speaks the OpenAI chat API: <tt>nanovlm serve</tt>, llama.cpp's server, vLLM… Questions and their pictures are sent to it.")
            textFormat: Text.StyledText
        }

        Label {
            Layout.topMargin: 6
            text: qsTr("Address")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
        }
        TextField {
            id: urlField
            objectName: "serverUrlField"
            Layout.fillWidth: true
            placeholderText: "http://127.0.0.1:8080/v1"
            inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
            onTextEdited: probe.clear()
            onAccepted: dialog.connectToServer()
        }
        Label {
            text: qsTr("API key (optional)")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
        }
        TextField {
            id: keyField
            objectName: "serverKeyField"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: qsTr("Only if the server asks for one")
            onTextEdited: probe.clear()
            onAccepted: dialog.connectToServer()
        }

        RowLayout {
            spacing: 8
            Button {
                objectName: "serverConnectButton"
                text: qsTr("Connect")
                enabled: urlField.text.trim().length > 0 && !probe.busy
                onClicked: dialog.connectToServer()
            }
            Spinner {
                width: 16
                height: 16
                visible: probe.busy
            }
            Label {
                objectName: "serverFound"
                Layout.fillWidth: true
                visible: probe.models.length > 0
                elide: Text.ElideMiddle
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall + 1
                text: probe.models.length === 1 ? qsTr("Connected to %1: 1 model").arg(probe.baseUrl)
                                                : qsTr("Connected to %1: %2 models").arg(probe.baseUrl).arg(probe.models.length)
            }
        }

        Label {
            objectName: "serverError"
            Layout.fillWidth: true
            visible: text.length > 0
            text: probe.error.length > 0 ? probe.error : dialog.servers.error
            wrapMode: Text.Wrap
            color: Theme.error
            font.pixelSize: Theme.fontSmall + 1
        }

        Label {
            visible: probe.models.length > 0
            text: qsTr("Model")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.weight: Font.DemiBold
        }
        ComboBox {
            id: modelBox
            objectName: "serverModelBox"
            Layout.fillWidth: true
            visible: probe.models.length > 0
            model: probe.models
        }

        RowLayout {
            Layout.topMargin: 6
            spacing: 8
            Item { Layout.fillWidth: true }
            Button {
                text: qsTr("Cancel")
                flat: true
                onClicked: dialog.close()
            }
            Button {
                objectName: "serverAddButton"
                text: qsTr("Add and use")
                highlighted: true
                enabled: probe.models.length > 0 && !probe.busy && modelBox.currentText.length > 0
                onClicked: {
                    const address = dialog.servers.add(probe.baseUrl, modelBox.currentText, keyField.text)
                    if (address.length > 0) {
                        dialog.close()
                        dialog.added(address)
                    }
                }
            }
        }
    }
}
