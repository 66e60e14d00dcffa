import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NanoVlm.Ui

// Under the image viewer's model view: the global view the model reads first (the whole picture
// squeezed to one tile) and what the picture costs: "1536×1024 → 3×2 tiles + global view ·
// 7 × 64 = 448 image tokens".
Rectangle {
    id: summary

    property url source
    property var tiling: ({})
    property bool hasModel: false

    implicitHeight: row.implicitHeight + 20
    color: "#1c1e23"

    RowLayout {
        id: row
        x: 14
        y: 10
        width: parent.width - 28
        spacing: 16

        Column {
            visible: summary.hasModel && summary.tiling.globalTile === true
            spacing: 4
            Image {
                objectName: "globalView"
                width: 96
                height: 96
                source: summary.source
                fillMode: Image.Stretch // the model squeezes the whole picture into a square
                sourceSize.width: 192
                sourceSize.height: 192
                autoTransform: true
                smooth: true
                Rectangle {
                    anchors.fill: parent
                    color: "transparent"
                    border.width: 2
                    border.color: "#80cbc4"
                }
            }
            Label {
                text: qsTr("Global view")
                color: "#b0b4bc"
                font.pixelSize: Theme.fontSmall
            }
        }

        Label {
            objectName: "imageTokensLabel"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: "#e8eaee"
            font.pixelSize: Theme.fontBody
            text: {
                if (!summary.hasModel)
                    return qsTr("Load a model to see how it reads this picture.")
                const t = summary.tiling
                const grid = t.rows * t.cols === 1 ? qsTr("1 tile")
                                                   : qsTr("%1×%2 tiles").arg(t.cols).arg(t.rows)
                const parts = [qsTr("Stretched to %1×%2").arg(t.resizedWidth).arg(t.resizedHeight),
                               t.globalTile ? qsTr("%1 + global view").arg(grid) : grid,
                               qsTr("%1 × %2 = %3 image tokens").arg(t.tiles)
                                   .arg(t.imageTokens / t.tiles).arg(t.imageTokens)]
                return parts.join("  ·  ")
            }
        }
    }
}
