import QtQuick
import QtQuick.Controls

// The tiles a picture is cut into, drawn over it: the model stretches the picture to
// cols x rows tiles, so each tile covers an equal share of each side.
Item {
    id: overlay

    property int rows: 1
    property int cols: 1

    objectName: "tileOverlay"

    Rectangle {
        anchors.fill: parent
        color: "transparent"
        border.width: 2
        border.color: "#ffd54f"
    }

    Repeater {
        model: Math.max(0, overlay.cols - 1)
        delegate: Rectangle {
            required property int index
            x: overlay.width * (index + 1) / overlay.cols - 1
            width: 2
            height: overlay.height
            color: "#ffd54f"
        }
    }
    Repeater {
        model: Math.max(0, overlay.rows - 1)
        delegate: Rectangle {
            required property int index
            y: overlay.height * (index + 1) / overlay.rows - 1
            height: 2
            width: overlay.width
            color: "#ffd54f"
        }
    }
    // Each tile's name as the prompt gives it (<row_1_col_2>), in reading order.
    Repeater {
        objectName: "tileLabels"
        model: overlay.rows * overlay.cols
        delegate: Label {
            required property int index
            readonly property int row: Math.floor(index / overlay.cols)
            readonly property int col: index % overlay.cols
            x: overlay.width * col / overlay.cols + 6
            y: overlay.height * row / overlay.rows + 6
            visible: overlay.rows * overlay.cols > 1
            text: qsTr("row %1, col %2").arg(row + 1).arg(col + 1)
            color: "#1b1b1b"
            font.pixelSize: 11
            padding: 3
            background: Rectangle {
                color: "#ffd54f"
                radius: 3
            }
        }
    }
}
