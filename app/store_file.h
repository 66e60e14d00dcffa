#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace nanovlm::app {

// Reading and writing the files of the chat store (chat files, stored pictures), where anything
// may have been put in place of a file: a FIFO, /dev/zero, a huge file, a symlink out of the
// store.

// Reads a regular file of at most `max_bytes` without ever blocking: a FIFO, device, socket or
// directory is refused before a byte is read, and so is a larger file. nullopt and a message
// ("not a regular file", "is 300 MB; a chat file is at most 32 MB") on failure.
std::optional<QByteArray> read_regular_file(const QString& path, qint64 max_bytes, QString* error);

// Replaces `path` atomically (a temporary beside it, fsync, rename) without following a symlink
// at `path`: the link itself is replaced, its target is never opened. The folder is created if
// needed. false and a message naming the file and the OS's reason on failure.
bool write_file_atomically(const QString& path, const QByteArray& bytes, QString* error);

// "12 MB", "300 KB": for messages about file sizes.
QString human_size(qint64 bytes);

} // namespace nanovlm::app
