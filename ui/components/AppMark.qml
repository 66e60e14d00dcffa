import QtQuick

// The app's mark: an eye on an accent tile (a model that looks at pictures).
Rectangle {
    id: mark

    implicitWidth: 34
    implicitHeight: 34
    radius: width * 0.3
    gradient: Gradient {
        GradientStop { position: 0; color: Qt.lighter(Theme.accent, 1.15) }
        GradientStop { position: 1; color: Theme.accent }
    }

    Icon {
        anchors.centerIn: parent
        width: parent.width * 0.6
        height: width
        name: "eye"
        color: Theme.accentText
        lineWidth: 2.2
    }
}
