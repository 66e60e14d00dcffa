#pragma once

// Points this test process's QSettings (the chat settings, remembered models and folders) at a
// throwaway folder, never the user's.

#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>

namespace nanovlm::test {

// False when the folder could not be made.
inline bool sandbox_settings(const QTemporaryDir& folder, const char* application) {
    if (!folder.isValid()) {
        return false;
    }
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, folder.path());
    QCoreApplication::setOrganizationName(QStringLiteral("nanovlm-tests"));
    QCoreApplication::setApplicationName(QString::fromLatin1(application));
    return true;
}

} // namespace nanovlm::test
