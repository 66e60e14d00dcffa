#include "conversation_store.h"

#include "conversation_json.h"
#include "store_file.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>

namespace nanovlm::app {
namespace {

const QString kChats = QStringLiteral("chats");
const QString kImages = QStringLiteral("images");

void set(QString* error, const QString& message) {
    if (error != nullptr) {
        *error = message;
    }
}

// Ids become file names: only what a uuid or a test's name uses.
bool safe_id(const QString& id) {
    if (id.isEmpty() || id.size() > 100) {
        return false;
    }
    for (const QChar c : id) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_'))) {
            return false;
        }
    }
    return true;
}

} // namespace

ConversationStore::ConversationStore(const QString& folder) : root_(folder) {}

QString ConversationStore::defaultFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString ConversationStore::pathOf(const QString& id) const {
    return root_.filePath(kChats + QLatin1Char('/') + id + QStringLiteral(".json"));
}

bool ConversationStore::write(const QString& path, const QByteArray& bytes, QString* error) const {
    return write_file_atomically(path, bytes, error);
}

QString ConversationStore::storedName(const QString& path) const {
    const QFileInfo info(path);
    return QDir::cleanPath(info.absolutePath()) == QDir::cleanPath(images().absolutePath())
               ? info.fileName()
               : QString();
}

std::optional<QString> ConversationStore::addImage(const QString& path, QString* error) const {
    QString problem;
    const std::optional<QByteArray> bytes = read_regular_file(path, kMaxPictureBytes, &problem);
    if (!bytes) {
        set(error, QStringLiteral("%1: %2").arg(path, problem));
        return std::nullopt;
    }
    const QString hash =
        QString::fromLatin1(QCryptographicHash::hash(*bytes, QCryptographicHash::Sha256).toHex());
    QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix.isEmpty() || suffix.size() > 5 || !safe_id(suffix)) {
        suffix = QStringLiteral("img"); // the decoder reads the bytes, not the name
    }
    const QString stored =
        root_.filePath(kImages + QLatin1Char('/') + hash + QLatin1Char('.') + suffix);
    // Only a regular file of the store counts as stored: a symlink in its place is replaced.
    const QFileInfo existing(stored);
    if (!existing.isSymLink() && existing.isFile() && existing.size() == bytes->size()) {
        return stored; // the same bytes were asked about before
    }
    if (!write(stored, *bytes, error)) {
        return std::nullopt;
    }
    return stored;
}

bool ConversationStore::save(const Conversation& conversation, QString* error) const {
    if (!safe_id(conversation.id)) {
        set(error, QStringLiteral("invalid chat id \"%1\"").arg(conversation.id));
        return false;
    }
    for (const ConversationTurn& turn : conversation.turns) {
        for (const QString& image : turn.images) {
            if (storedName(image).isEmpty()) {
                set(error, QStringLiteral("the picture %1 is not in the image store %2 yet")
                               .arg(image, images().path()));
                return false;
            }
        }
    }
    const QByteArray bytes = conversation_to_json(conversation, images());
    // Whatever else could make the file unreadable (a stored picture deleted meanwhile) keeps
    // the last good file rather than replacing it by one that reads back as damaged.
    QString problem;
    if (!conversation_from_json(bytes, images(), &problem)) {
        set(error, QStringLiteral("the chat would not read back: %1").arg(problem));
        return false;
    }
    return write(pathOf(conversation.id), bytes, error);
}

bool ConversationStore::restore(const QString& path, const QByteArray& bytes,
                                QString* error) const {
    return write(path, bytes, error);
}

ConversationStore::Loaded ConversationStore::load(const QString& path) const {
    Loaded out;
    out.path = path;
    const std::optional<QByteArray> bytes = read_regular_file(path, kMaxChatFileBytes, &out.error);
    if (!bytes) {
        return out;
    }
    out.pictures = picturesNamedIn(*bytes);
    out.conversation = conversation_from_json(*bytes, images(), &out.error);
    if (out.conversation && out.conversation->id != QFileInfo(path).completeBaseName()) {
        out.error = QStringLiteral("file.id: \"%1\" does not match the file name")
                        .arg(out.conversation->id);
        out.conversation.reset();
    }
    return out;
}

QList<ConversationStore::Loaded> ConversationStore::loadAll() const {
    QList<Loaded> out;
    const QDir chats(root_.filePath(kChats));
    // Not only files: a folder or a pipe named like a chat is listed damaged, not hidden.
    const QStringList files =
        chats.entryList({QStringLiteral("*.json")},
                        QDir::Files | QDir::Dirs | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString& name : files) {
        out.push_back(load(chats.filePath(name)));
    }
    return out;
}

bool ConversationStore::remove(const QString& path, QString* error) const {
    QFile file(path);
    if (!file.exists()) {
        return true;
    }
    if (!file.remove()) {
        set(error, QStringLiteral("cannot delete %1: %2").arg(file.fileName(), file.errorString()));
        return false;
    }
    return true;
}

QSet<QString> ConversationStore::picturesNamedIn(const QByteArray& chat_file) {
    static const QRegularExpression kName(QStringLiteral("[0-9a-f]{64}\\.[a-z0-9]{1,5}"));
    QSet<QString> names;
    auto matches = kName.globalMatch(QString::fromUtf8(chat_file));
    while (matches.hasNext()) {
        names.insert(matches.next().captured());
    }
    return names;
}

int ConversationStore::removeUnusedImages(const QSet<QString>& used) const {
    int removed = 0;
    const QDir dir = images();
    for (const QString& name : dir.entryList(QDir::Files)) {
        if (!used.contains(name) && QFile::remove(dir.filePath(name))) {
            ++removed;
        }
    }
    return removed;
}

} // namespace nanovlm::app
