#pragma once

#include "download_failure.h"
#include "hub_endpoint.h"

#include <QNetworkAccessManager>
#include <QStringList>

#include <functional>
#include <variant>

namespace nanovlm::app {

// A repository at a revision, from GET {endpoint}/api/models/{repo}/revision/{revision}.
struct RepoRevision {
    QString commit;    // "sha"
    QStringList files; // every "siblings[].rfilename"
};

// One file's metadata, from HEAD {endpoint}/{repo}/resolve/{commit}/{file}: relative redirects
// are followed (a renamed repo), an absolute one (the CDN of a large file) is not: its headers
// already carry what we need.
struct FileMetadata {
    QString commit;   // X-Repo-Commit
    QString etag;     // X-Linked-Etag, else ETag, without W/ and quotes
    qint64 size = -1; // X-Linked-Size, else Content-Length (of a non-redirect)
    QUrl location;    // where to GET it: the redirect's Location, else the URL asked
};

template <typename T> using HubResult = std::variant<T, DownloadFailure>;

// The two Hub calls a snapshot download makes, each answered once through its callback.
class HubApi {
public:
    HubApi(QNetworkAccessManager* network, HubEndpoint hub)
        : network_(network), hub_(std::move(hub)) {}

    // The reply, so the caller can abort it.
    QNetworkReply* revision(const QString& repo, const QString& revision,
                            std::function<void(HubResult<RepoRevision>)> done);
    QNetworkReply* metadata(const QUrl& url, const QString& what,
                            std::function<void(HubResult<FileMetadata>)> done);

    const HubEndpoint& hub() const { return hub_; }

private:
    QNetworkAccessManager* network_;
    HubEndpoint hub_;
};

QString normalizedEtag(QByteArray etag);

} // namespace nanovlm::app
