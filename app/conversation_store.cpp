#include "conversation_store.h"

#include "conversation_json.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
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
    if (!QDir().mkpath(QFileInfo(path).path())) {
        set(error, QStringLiteral("cannot create the folder %1").arg(QFileInfo(path).path()));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        set(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        set(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

std::optional<QString> ConversationStore::addImage(const QString& path, QString* error) const {
    QFile source(path);
    if (!source.open(QIODevice::ReadOnly)) {
        set(error, QStringLiteral("cannot read %1: %2").arg(path, source.errorString()));
        return std::nullopt;
    }
    const QByteArray bytes = source.readAll();
    const QString hash =
        QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix.isEmpty() || suffix.size() > 5 || !safe_id(suffix)) {
        suffix = QStringLiteral("img"); // the decoder reads the bytes, not the name
    }
    const QString stored =
        root_.filePath(kImages + QLatin1Char('/') + hash + QLatin1Char('.') + suffix);
    if (QFileInfo(stored).size() == bytes.size()) {
        return stored; // the same bytes were asked about before
    }
    if (!write(stored, bytes, error)) {
        return std::nullopt;
    }
    return stored;
}

bool ConversationStore::save(const Conversation& conversation, QString* error) const {
    if (!safe_id(conversation.id)) {
        set(error, QStringLiteral("invalid chat id \"%1\"").arg(conversation.id));
        return false;
    }
    return write(pathOf(conversation.id), conversation_to_json(conversation, images()), error);
}

bool ConversationStore::restore(const QString& path, const QByteArray& bytes,
                                QString* error) const {
    return write(path, bytes, error);
}

ConversationStore::Loaded ConversationStore::load(const QString& path) const {
    Loaded out;
    out.path = path;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.error = QStringLiteral("cannot read: %1").arg(file.errorString());
        return out;
    }
    out.bytes = file.readAll();
    out.conversation = conversation_from_json(out.bytes, images(), &out.error);
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
    const QStringList files = chats.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
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

int ConversationStore::removeUnusedImages(const QList<QByteArray>& chat_files) const {
    // Names are searched for in the raw bytes, so that a damaged file still keeps its pictures.
    static const QRegularExpression kName(QStringLiteral("[0-9a-f]{64}\\.[a-z0-9]{1,5}"));
    QSet<QString> used;
    for (const QByteArray& bytes : chat_files) {
        auto matches = kName.globalMatch(QString::fromUtf8(bytes));
        while (matches.hasNext()) {
            used.insert(matches.next().captured());
        }
    }
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
