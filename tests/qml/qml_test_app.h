#pragma once

#include <QCoreApplication>
#include <QQuickStyle>
#include <QSettings>
#include <QString>

// What every QML test runner sets up before its QML starts: settings in a throwaway folder, the
// runner's own application name (so nothing of the user's or another runner's is read), and the
// style nanovlm-chat runs with.
inline void use_test_application(const QString& settings_dir, const char* name) {
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir);
    QCoreApplication::setOrganizationName("nanovlm-tests");
    QCoreApplication::setApplicationName(name);
    QQuickStyle::setStyle("Material");
}
