#pragma once

// The pictures and raw file helpers the chat-store suites share: they write chat files by hand
// (damaged, planted, replaced) and read back what the store wrote.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>

namespace chat_files {

inline const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
inline const QString kImage = kFixtures + "/parity/main/300x200/image.png";
inline const QString kSmallImage = kFixtures + "/parity/main/64x64/image.png";

inline QByteArray read_all(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool write_all(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

} // namespace chat_files
