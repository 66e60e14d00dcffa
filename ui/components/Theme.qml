pragma Singleton
import QtQuick

// Colours, sizes and type for the whole UI, light and dark. Main.qml sets `dark` from the
// user's choice (Settings › Appearance) or, by default, from the system palette.
QtObject {
    property bool dark: false

    // Surfaces, back to front.
    readonly property color window: dark ? "#15161a" : "#f6f7f9"
    readonly property color surface: dark ? "#1e2025" : "#ffffff"
    readonly property color surfaceMuted: dark ? "#292c33" : "#eef0f3"
    readonly property color border: dark ? "#343842" : "#dfe2e8"
    readonly property color shadow: dark ? "#60000000" : "#14000000"

    readonly property color text: dark ? "#e9eaee" : "#1b1d22"
    readonly property color textMuted: dark ? "#9ba1ad" : "#667080"
    readonly property color textFaint: dark ? "#6d7380" : "#9aa1ad"

    readonly property color accent: dark ? "#8f97ff" : "#4f5bd5"
    readonly property color accentHover: dark ? "#a3aaff" : "#434ec0"
    readonly property color accentText: dark ? "#10121a" : "#ffffff"
    readonly property color accentSoft: dark ? "#2b2f52" : "#e8eafc"

    readonly property color userBubble: dark ? "#2b2f4d" : "#e8eafc"
    readonly property color userBubbleText: dark ? "#eceefe" : "#1d2150"

    readonly property color error: dark ? "#ff8f87" : "#b3261e"
    readonly property color errorSurface: dark ? "#35201f" : "#fdeeec"
    readonly property color errorBorder: dark ? "#6a302c" : "#f3c4be"
    readonly property color warning: dark ? "#f0c36b" : "#8a5a00"

    readonly property color scrim: dark ? "#d015161a" : "#d9f6f7f9"

    // Geometry.
    readonly property int contentWidth: 760 // the reading column of the chat
    readonly property int radiusSmall: 8
    readonly property int radius: 12
    readonly property int radiusLarge: 22
    readonly property int gap: 8

    // Type (pixel sizes, so that screenshots match across font DPI).
    readonly property int fontSmall: 12
    readonly property int fontBody: 15
    readonly property int fontTitle: 17
    readonly property int fontDisplay: 26
}
