#pragma once

#include "conversation.h"

#include <QDir>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace nanovlm::app {

// The chats on disk, under one folder (by default QStandardPaths::AppDataLocation):
//   chats/<id>.json          one file per chat (conversation_json.h), replaced atomically
//   images/<sha256>.<ext>    every picture ever asked about, stored once by content
//
// A chat file is only ever replaced through QSaveFile (write a temporary, fsync, rename), so a
// crash or kill at any moment leaves either the old or the new file, never a mix. Pictures are
// copied in when asked about, so a chat never depends on where the original was.
//
// Plain value class for the GUI thread; every method reports problems instead of throwing.
class ConversationStore {
public:
    // Far above any real chat (a thousand long answers are a few MB); a bigger file is listed
    // damaged and left as it is, instead of being read whole into memory.
    static constexpr qint64 kMaxChatFileBytes = 32 * 1024 * 1024;
    // Pictures are read whole to be hashed; the decoder refuses larger ones anyway.
    static constexpr qint64 kMaxPictureBytes = 256 * 1024 * 1024;

    explicit ConversationStore(const QString& folder);

    // QStandardPaths::AppDataLocation: ~/.local/share/nanovlm/nanovlm-chat on Linux.
    static QString defaultFolder();

    QString folder() const { return root_.path(); }
    QDir images() const { return QDir(root_.filePath(QStringLiteral("images"))); }
    QString pathOf(const QString& id) const;

    // Copies a picture's file bytes into the image store once (the same bytes are never stored
    // twice) and returns the stored file's path; nullopt and a message on failure. The
    // original bytes are kept, not a re-encoding: lossless, no bigger than the user's file, and
    // decoded by the same reader they were decoded by when first asked about, so a rebuilt
    // transcript sees exactly the same pixels.
    std::optional<QString> addImage(const QString& file, QString* error) const;

    // The stored picture's file name when `path` is a file of the image store, else "".
    QString storedName(const QString& path) const;

    // Writes the chat atomically; false and a message (the file and the OS's reason) on failure.
    // A chat is only written in a form that reads back: one naming a picture that is not in the
    // store is refused.
    bool save(const Conversation& conversation, QString* error) const;
    // Writes a chat file's bytes back to `path` (undo of a delete restores the exact file).
    bool restore(const QString& path, const QByteArray& bytes, QString* error) const;

    struct Loaded {
        QString path;
        std::optional<Conversation> conversation; // nullopt: damaged, see `error`
        QString error;
        // The stored pictures the file names (found in its bytes, so a damaged file keeps its
        // pictures too); nullopt when the file could not be read, so nobody knows.
        std::optional<QSet<QString>> pictures;
    };
    Loaded load(const QString& path) const;
    // Every chats/*.json; a file that cannot be read is returned damaged, never skipped silently.
    QList<Loaded> loadAll() const;
    // Deletes one chat file (by path: a damaged file has no trustworthy id).
    bool remove(const QString& path, QString* error) const;
    // The stored pictures' file names that a chat file's bytes mention.
    static QSet<QString> picturesNamedIn(const QByteArray& chat_file);
    // Deletes the stored pictures not in `used` (the pictures of every chat file on disk,
    // damaged ones included, of any kept for undo and of any chat not saved yet); returns how
    // many. A picture of a deleted chat must not outlive it.
    int removeUnusedImages(const QSet<QString>& used) const;

private:
    bool write(const QString& path, const QByteArray& bytes, QString* error) const;

    QDir root_;
};

} // namespace nanovlm::app
