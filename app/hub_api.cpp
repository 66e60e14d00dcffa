#include "hub_api.h"

#include "hub_reply.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace nanovlm::app {

QString normalizedEtag(QByteArray etag) {
    etag = etag.trimmed();
    if (etag.startsWith("W/")) {
        etag = etag.mid(2);
    }
    if (etag.size() >= 2 && etag.startsWith('"') && etag.endsWith('"')) {
        etag = etag.mid(1, etag.size() - 2);
    }
    return QString::fromLatin1(etag);
}

QNetworkReply* HubApi::revision(const QString& repo, const QString& rev,
                                std::function<void(HubResult<RepoRevision>)> done) {
    QNetworkReply* reply = network_->get(hub_.request(hub_.revisionUrl(repo, rev)));
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, repo, rev, done] {
        reply->deleteLater();
        const QString what = rev == "main" ? repo : repo + " at revision " + rev;
        if (isRedirect(reply)) {
            done(DownloadFailure{DownloadFailureKind::Other,
                                 what + ": the Hub redirected the revision request to " +
                                     redirectTarget(reply).toString() + "."});
            return;
        }
        if (const auto failure = hubReplyFailure(reply, what)) {
            done(*failure);
            return;
        }
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        RepoRevision result;
        result.commit = json.value("sha").toString();
        for (const QJsonValue& sibling : json.value("siblings").toArray()) {
            if (const QString name = sibling.toObject().value("rfilename").toString();
                !name.isEmpty()) {
                result.files.push_back(name);
            }
        }
        if (result.commit.isEmpty()) {
            done(DownloadFailure{DownloadFailureKind::Other,
                                 "The Hub's answer for " + what + " has no commit (\"sha\")."});
            return;
        }
        done(result);
    });
    return reply;
}

QNetworkReply* HubApi::metadata(const QUrl& url, const QString& what,
                                std::function<void(HubResult<FileMetadata>)> done) {
    QNetworkReply* reply = network_->head(hub_.request(url));
    QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, what, done] {
        reply->deleteLater();
        const bool redirect = isRedirect(reply);
        if (redirect) {
            const QUrl target = redirectTarget(reply);
            const QUrl location(QString::fromUtf8(reply->rawHeader("Location")));
            if (location.isRelative()) { // a renamed repo: ask again where it now is
                metadata(target, what, done);
                return;
            }
        } else if (const auto failure = hubReplyFailure(reply, what)) {
            done(*failure);
            return;
        }
        FileMetadata meta;
        meta.commit = QString::fromLatin1(reply->rawHeader("X-Repo-Commit"));
        meta.etag =
            normalizedEtag(reply->hasRawHeader("X-Linked-Etag") ? reply->rawHeader("X-Linked-Etag")
                                                                : reply->rawHeader("ETag"));
        bool ok = false;
        if (reply->hasRawHeader("X-Linked-Size")) {
            meta.size = reply->rawHeader("X-Linked-Size").toLongLong(&ok);
        } else if (!redirect && reply->hasRawHeader("Content-Length")) {
            meta.size = reply->rawHeader("Content-Length").toLongLong(&ok);
        }
        if (!ok) {
            meta.size = -1;
        }
        meta.location = redirect ? redirectTarget(reply) : reply->url();
        if (meta.etag.isEmpty()) {
            done(DownloadFailure{DownloadFailureKind::Other,
                                 "The Hub gave no ETag for " + what +
                                     ": its contents cannot be checked."});
            return;
        }
        done(meta);
    });
    return reply;
}

} // namespace nanovlm::app
