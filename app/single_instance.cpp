#include "single_instance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QLockFile>

#include <unistd.h>

namespace nanovlm::app {
namespace {

constexpr int kTimeoutMs = 3000;
constexpr qint64 kMaxMessageBytes = 1024 * 1024;

} // namespace

SingleInstance::SingleInstance(const QString& chats_folder, QObject* parent)
    : QObject(parent), name_(serverName(chats_folder)) {
    server_.setSocketOptions(QLocalServer::UserAccessOption);
    connect(&server_, &QLocalServer::newConnection, this, &SingleInstance::on_connection);
}

QString SingleInstance::serverName(const QString& chats_folder) {
    // The folder may not exist yet: then its absolute path names it.
    const QFileInfo info(chats_folder);
    const QString canonical = info.canonicalFilePath();
    const QString path = canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
    const QByteArray hash =
        QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
    return QStringLiteral("nanovlm-chat-%1-%2").arg(::getuid()).arg(QString::fromLatin1(hash));
}

SingleInstance::Claim SingleInstance::claim(const QStringList& files, QString* error) {
    // Two launches at once must not both remove the other's socket and listen: the lock makes
    // connect-or-listen one step. A killed holder's lock is stale and taken over.
    QLockFile lock(QDir(QDir::tempPath()).filePath(name_ + QStringLiteral(".lock")));
    if (!lock.tryLock(kTimeoutMs)) {
        *error = QStringLiteral("another nanovlm-chat is starting on the same chats folder");
        return Claim::Failed;
    }
    if (hand_over(files)) {
        return Claim::HandedOver;
    }
    QLocalServer::removeServer(name_); // nobody answered: a socket left by a killed instance
    if (!server_.listen(name_)) {
        *error = QStringLiteral("cannot listen on the local socket %1: %2")
                     .arg(name_, server_.errorString());
        return Claim::Failed;
    }
    return Claim::First;
}

bool SingleInstance::hand_over(const QStringList& files) {
    QLocalSocket socket;
    socket.connectToServer(name_);
    if (!socket.waitForConnected(kTimeoutMs)) {
        return false;
    }
    const QByteArray message =
        QJsonDocument(QJsonObject{{"files", QJsonArray::fromStringList(files)}})
            .toJson(QJsonDocument::Compact) +
        '\n';
    socket.write(message);
    if (!socket.waitForBytesWritten(kTimeoutMs)) {
        return false;
    }
    // The answer says the running instance took the files (not a dying one).
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(kTimeoutMs)) {
            return false;
        }
    }
    return socket.readLine().trimmed() == "ok";
}

void SingleInstance::on_connection() {
    while (QLocalSocket* socket = server_.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > kMaxMessageBytes) {
                    socket->abort();
                }
                return;
            }
            const QJsonDocument doc = QJsonDocument::fromJson(socket->readLine());
            QStringList files;
            for (const QJsonValue& file : doc.object().value(QStringLiteral("files")).toArray()) {
                if (file.isString()) {
                    files.push_back(file.toString());
                }
            }
            socket->write("ok\n");
            socket->flush();
            socket->disconnectFromServer();
            emit activated(files);
        });
    }
}

} // namespace nanovlm::app
