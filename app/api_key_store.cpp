#include "api_key_store.h"

#include "store_file.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

namespace nanovlm::app {
namespace {

constexpr qint64 kMaxFileBytes = 1 << 20;

QJsonObject read_keys() {
    const std::optional<QByteArray> bytes =
        read_regular_file(ApiKeyStore::path(), kMaxFileBytes, nullptr);
    return bytes ? QJsonDocument::fromJson(*bytes).object().value("keys").toObject()
                 : QJsonObject();
}

} // namespace

QString ApiKeyStore::path() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/server-keys.json");
}

QString ApiKeyStore::key(const QString& base_url) {
    return read_keys().value(base_url).toString();
}

bool ApiKeyStore::setKey(const QString& base_url, const QString& key, QString* error) {
    QJsonObject keys = read_keys();
    if (key.isEmpty()) {
        if (!keys.contains(base_url)) {
            return true;
        }
        keys.remove(base_url);
    } else {
        keys.insert(base_url, key);
    }
    // write_file_atomically creates its temporary with mkostemp, so the file is 0600 from its
    // first byte; the permission call keeps it so should that ever change.
    const QByteArray bytes = QJsonDocument(QJsonObject{{"keys", keys}}).toJson();
    if (!write_file_atomically(path(), bytes, error)) {
        return false;
    }
    QFile::setPermissions(path(), QFile::ReadOwner | QFile::WriteOwner);
    return true;
}

QString ApiKeyStore::masked(const QString& key) {
    if (key.isEmpty()) {
        return {};
    }
    return QString(8, QChar(0x2022)) + (key.size() >= 12 ? key.right(4) : QString());
}

} // namespace nanovlm::app
