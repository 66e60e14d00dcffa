import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.App
import NanoVlm.Ui

// Settings, sliding in from the right: how answers are sampled, how many threads, how much
// detail images keep, and the colour theme. Every change is saved at once (ChatSettings).
Drawer {
    id: panel

    required property ChatController controller
    readonly property ChatSettings settings: controller.settings

    edge: Qt.RightEdge
    width: Math.min(380, parent ? parent.width * 0.92 : 380)
    height: parent ? parent.height : 600
    padding: 0
    // Material's dim is a light grey that washes out the dark theme.
    Overlay.modal: Rectangle {
        color: Theme.dark ? "#80000000" : "#40000000"
    }

    background: Rectangle {
        color: Theme.surface
        Rectangle {
            width: 1
            height: parent.height
            color: Theme.border
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 16
            Layout.bottomMargin: 4
            Label {
                Layout.fillWidth: true
                text: qsTr("Settings")
                color: Theme.text
                font.pixelSize: Theme.fontTitle + 2
                font.weight: Font.DemiBold
            }
            IconButton {
                iconName: "x"
                tip: qsTr("Close")
                onClicked: panel.close()
            }
        }

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

            ColumnLayout {
                width: scroll.availableWidth - 40
                x: 20
                spacing: 8

                SectionTitle { text: qsTr("Answers") }
                SliderSetting {
                    Layout.fillWidth: true
                    label: qsTr("Temperature")
                    help: qsTr("Higher is more varied; 0 always takes the likeliest word.")
                    from: 0; to: 1.5; stepSize: 0.05
                    value: panel.settings.temperature
                    valueText: value === 0 ? qsTr("0 (greedy)") : value.toFixed(2)
                    onMoved: v => panel.settings.temperature = v
                }
                SpinSetting {
                    Layout.fillWidth: true
                    label: qsTr("Top-k")
                    help: qsTr("Sample among this many likeliest words; 0 for all.")
                    from: 0; to: 500
                    value: panel.settings.topK
                    enabled: panel.settings.temperature > 0
                    display: v => v === 0 ? qsTr("Off") : String(v)
                    onModified: v => panel.settings.topK = v
                }
                SliderSetting {
                    Layout.fillWidth: true
                    label: qsTr("Top-p")
                    help: qsTr("Keep the likeliest words that together hold this much probability.")
                    from: 0.05; to: 1; stepSize: 0.05
                    value: panel.settings.topP
                    enabled: panel.settings.temperature > 0
                    onMoved: v => panel.settings.topP = v
                }
                SpinSetting {
                    Layout.fillWidth: true
                    label: qsTr("Max new tokens")
                    help: qsTr("The longest answer, in tokens.")
                    from: 1; to: 8192; stepSize: 16
                    value: panel.settings.maxNewTokens
                    onModified: v => panel.settings.maxNewTokens = v
                }
                RowLayout {
                    Layout.fillWidth: true
                    Switch {
                        id: fixedSeed
                        Layout.leftMargin: -8
                        text: qsTr("Fixed seed")
                        checked: panel.settings.fixedSeed
                        onToggled: panel.settings.fixedSeed = checked
                    }
                    Item { Layout.fillWidth: true }
                    SpinBox {
                        Layout.preferredWidth: 150
                        from: 0; to: 2147483647
                        editable: true
                        enabled: fixedSeed.checked
                        value: panel.settings.seed
                        Accessible.name: qsTr("Seed")
                        onValueModified: panel.settings.seed = value
                    }
                }
                Label {
                    Layout.fillWidth: true
                    Layout.topMargin: -8
                    wrapMode: Text.WordWrap
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                    text: qsTr("The same seed gives the same answer to the same question in a new chat.")
                }

                SectionTitle { text: qsTr("Images") }
                SliderSetting {
                    readonly property int most: panel.controller.maxImageDetail
                    Layout.fillWidth: true
                    visible: most > 1
                    label: qsTr("Image detail")
                    help: qsTr("Fewer tiles read images faster but see less. The model's own setting is the most faithful.")
                    from: 1; to: Math.max(2, most); stepSize: 1
                    value: panel.settings.imageDetail === 0 ? most : Math.min(panel.settings.imageDetail, most)
                    valueText: value >= most ? qsTr("Model default (%1×%1 tiles)").arg(most)
                                             : qsTr("Up to %1×%1 tiles").arg(value)
                    onMoved: v => panel.settings.imageDetail = v >= most ? 0 : v
                }
                Label {
                    Layout.fillWidth: true
                    visible: panel.controller.maxImageDetail <= 1
                    wrapMode: Text.WordWrap
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                    text: panel.controller.modelState === ChatController.Ready
                          ? qsTr("This model reads every image at one fixed size.")
                          : qsTr("Image detail applies to tiled checkpoints (nanoVLM-230M-8k and later).")
                }

                SectionTitle { text: qsTr("Performance") }
                SpinSetting {
                    Layout.fillWidth: true
                    label: qsTr("Threads")
                    help: qsTr("CPU threads for the model. Applies from the next new chat.")
                    // "All" (threads 0) is the top of the range, so that + means more threads.
                    readonly property int all: panel.settings.hardwareThreads
                    objectName: "threadsSetting"
                    from: 1; to: all
                    value: panel.settings.threads === 0 ? all : Math.min(panel.settings.threads, all)
                    display: v => v === all ? qsTr("All (%1)").arg(all) : String(v)
                    parse: text => text.trim().startsWith(qsTr("All")) ? all : parseInt(text)
                    onModified: v => panel.settings.threads = v === all ? 0 : v
                }

                SectionTitle { text: qsTr("Appearance") }
                ThemeChooser {
                    Layout.fillWidth: true
                    theme: panel.settings.theme
                    onChosen: t => panel.settings.theme = t
                }

                Button {
                    Layout.topMargin: 16
                    Layout.bottomMargin: 20
                    flat: true
                    font.capitalization: Font.MixedCase
                    text: qsTr("Reset to defaults")
                    onClicked: panel.settings.resetToDefaults()
                }
            }
        }
    }
}
