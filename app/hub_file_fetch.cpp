#include "hub_file_fetch.h"

#include "hub_reply.h"

namespace nanovlm::app {

HubFileFetch::HubFileFetch(QNetworkAccessManager* network, const HubEndpoint& hub, QObject* parent)
    : QObject(parent), network_(network), hub_(hub) {}

void HubFileFetch::start(const QUrl& url, const QString& what, const QString& incomplete,
                         qint64 expectedSize) {
    what_ = what;
    expected_ = expectedSize;
    received_ = 0;
    redirects_ = 0;
    write_failure_.reset();
    file_.setFileName(incomplete);
    if (!file_.open(QIODevice::ReadWrite)) {
        finish(DownloadFailure{DownloadFailureKind::DiskFull,
                               "Cannot write " + incomplete + ": " + file_.errorString()});
        return;
    }
    if (expected_ >= 0 && file_.size() > expected_) { // not ours, or the file changed
        file_.resize(0);
    }
    request(url);
}

void HubFileFetch::request(const QUrl& url) {
    QNetworkRequest request = hub_.request(url);
    const qint64 have = file_.size();
    if (have > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(have) + "-");
    }
    writing_ = false;
    reply_ = network_->get(request);
    connect(reply_, &QNetworkReply::readyRead, this, &HubFileFetch::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &HubFileFetch::onFinished);
}

void HubFileFetch::onReadyRead() {
    QNetworkReply* reply = reply_;
    if (reply == nullptr || write_failure_) {
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!writing_) {
        if (status == 200) { // the server ignored our Range: start over
            file_.resize(0);
        } else if (status != 206) {
            return; // a redirect or an error page: onFinished deals with it
        }
        writing_ = true;
        file_.seek(file_.size());
    }
    const QByteArray bytes = reply->readAll();
    received_ += bytes.size();
    if (file_.write(bytes) != bytes.size() || !file_.flush()) {
        write_failure_ = DownloadFailure{
            DownloadFailureKind::DiskFull,
            QStringLiteral("Cannot write %1: %2. Free some disk space, then resume: the "
                           "download continues from where it stopped.")
                .arg(file_.fileName(), file_.errorString())};
        reply->abort();
        return;
    }
    emit progress(file_.size());
}

void HubFileFetch::onFinished() {
    QNetworkReply* reply = reply_;
    if (reply == nullptr) {
        return;
    }
    reply->deleteLater();
    reply_ = nullptr;
    if (write_failure_) {
        finish(write_failure_);
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (isRedirect(reply)) {
        if (++redirects_ > 10) {
            finish(DownloadFailure{DownloadFailureKind::Other,
                                   "Too many redirects while fetching " + what_ + "."});
            return;
        }
        request(redirectTarget(reply));
        return;
    }
    if (status == 416 && expected_ >= 0 && file_.size() == expected_) {
        finish(std::nullopt); // it was all there already
        return;
    }
    if (const auto failure = hubReplyFailure(reply, what_)) {
        finish(failure);
        return;
    }
    onReadyRead(); // anything left in the buffer
    if (write_failure_) {
        finish(write_failure_);
        return;
    }
    if (expected_ >= 0 && file_.size() != expected_) {
        finish(DownloadFailure{DownloadFailureKind::Dropped,
                               QStringLiteral("The connection ended after %1 of %2 bytes of %3.")
                                   .arg(file_.size())
                                   .arg(expected_)
                                   .arg(what_)});
        return;
    }
    finish(std::nullopt);
}

void HubFileFetch::abort() {
    if (reply_ != nullptr) {
        reply_->abort(); // finished() follows, reported as Cancelled
    }
}

void HubFileFetch::finish(std::optional<DownloadFailure> failure) {
    file_.close();
    emit finished(failure);
}

} // namespace nanovlm::app
