#include "blob_checksum.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>

namespace nanovlm::app {

bool isVerifiableEtag(const QString& etag) {
    static const QRegularExpression hex(QStringLiteral("^([0-9a-f]{40}|[0-9a-f]{64})$"));
    return hex.match(etag).hasMatch();
}

bool blobMatchesEtag(const QString& path, const QString& etag, QString* error) {
    if (!isVerifiableEtag(etag)) {
        *error = "the Hub's ETag '" + etag + "' is neither a SHA-256 nor a git blob id";
        return false;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = "cannot read " + path + ": " + file.errorString();
        return false;
    }
    const bool lfs = etag.size() == 64;
    QCryptographicHash hash(lfs ? QCryptographicHash::Sha256 : QCryptographicHash::Sha1);
    if (!lfs) {
        hash.addData("blob " + QByteArray::number(file.size()) + '\0');
    }
    if (!hash.addData(&file)) {
        *error = "cannot read " + path + ": " + file.errorString();
        return false;
    }
    const QString found = QString::fromLatin1(hash.result().toHex());
    if (found != etag) {
        *error = QStringLiteral("expected %1 %2, found %3")
                     .arg(lfs ? "SHA-256" : "git blob SHA-1", etag, found);
        return false;
    }
    return true;
}

} // namespace nanovlm::app
