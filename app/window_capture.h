#pragma once

#include <QObject>
#include <QQuickWindow> // complete: moc registers the Q_INVOKABLE's argument type
#include <QString>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT, QML_SINGLETON

namespace nanovlm::app {

// Saves what a window shows, popups and drawers included, for scripted runs that take
// screenshots (ScriptedRun.qml). Item.grabToImage cannot: it draws one item, and a window's
// root and overlay items are not QML objects.
class WindowCapture : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    using QObject::QObject;

    // Renders the window now and writes it as PNG; false when either step fails.
    Q_INVOKABLE bool save(QQuickWindow* window, const QString& file) const;
};

} // namespace nanovlm::app
