#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT, QML_SINGLETON

namespace nanovlm::app {

// What the About dialog shows about this build: version, git commit and the Qt it runs on.
class AppInfo : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QString commit READ commit CONSTANT)
    Q_PROPERTY(QString qtVersion READ qtVersion CONSTANT)

public:
    using QObject::QObject;

    QString version() const;
    QString commit() const;
    // The Qt library loaded at run time, which can be newer than the one built against.
    QString qtVersion() const;
};

} // namespace nanovlm::app
