#pragma once

#include "download_failure.h"
#include "hub_endpoint.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>

#include <optional>

namespace nanovlm::app {

// One GET of a Hub file into its blobs/<etag>.incomplete, resuming what is already there with
// an HTTP Range request. Redirects are followed by hand so the token goes only to the Hub's own
// host, never to the CDN a large file is redirected to. The bytes are not checked here.
class HubFileFetch : public QObject {
    Q_OBJECT

public:
    HubFileFetch(QNetworkAccessManager* network, const HubEndpoint& hub, QObject* parent = nullptr);

    // Fetches `url` (`what` names the file in messages) into `incomplete`, which should end up
    // `expectedSize` bytes long (-1: unknown).
    void start(const QUrl& url, const QString& what, const QString& incomplete,
               qint64 expectedSize);
    // Stops at once; the partial file stays for a later resume. finished() follows with
    // Cancelled.
    void abort();

    // Bytes received over the network by this fetch (not counting what was already on disk).
    qint64 bytesReceived() const { return received_; }

signals:
    void progress(qint64 bytesOnDisk);
    void finished(std::optional<nanovlm::app::DownloadFailure> failure);

private:
    void request(const QUrl& url);
    void onReadyRead();
    void onFinished();
    void finish(std::optional<DownloadFailure> failure);

    QNetworkAccessManager* network_;
    HubEndpoint hub_;
    QString what_;
    qint64 expected_ = -1;
    qint64 received_ = 0;
    int redirects_ = 0;
    QFile file_;
    QPointer<QNetworkReply> reply_;
    bool writing_ = false; // the reply's body is going to the file (status 200 or 206 seen)
    std::optional<DownloadFailure> write_failure_;
};

} // namespace nanovlm::app
