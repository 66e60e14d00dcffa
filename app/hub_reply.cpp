#include "hub_reply.h"

namespace nanovlm::app {

QString downloadFailureName(DownloadFailureKind kind) {
    switch (kind) {
    case DownloadFailureKind::Offline:
        return QStringLiteral("offline");
    case DownloadFailureKind::NoNetwork:
        return QStringLiteral("no_network");
    case DownloadFailureKind::Unauthorized:
        return QStringLiteral("unauthorized");
    case DownloadFailureKind::NotFound:
        return QStringLiteral("not_found");
    case DownloadFailureKind::Server:
        return QStringLiteral("server");
    case DownloadFailureKind::Dropped:
        return QStringLiteral("dropped");
    case DownloadFailureKind::Checksum:
        return QStringLiteral("checksum");
    case DownloadFailureKind::DiskFull:
        return QStringLiteral("disk_full");
    case DownloadFailureKind::NotNanoVlm:
        return QStringLiteral("not_nanovlm");
    case DownloadFailureKind::Busy:
        return QStringLiteral("busy");
    case DownloadFailureKind::Cancelled:
        return QStringLiteral("cancelled");
    case DownloadFailureKind::Other:
        break;
    }
    return QStringLiteral("other");
}

bool isRedirect(QNetworkReply* reply) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) &&
           reply->hasRawHeader("Location");
}

QUrl redirectTarget(QNetworkReply* reply) {
    return reply->url().resolved(QUrl(QString::fromUtf8(reply->rawHeader("Location"))));
}

std::optional<DownloadFailure> hubReplyFailure(QNetworkReply* reply, const QString& what) {
    using K = DownloadFailureKind;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray code = reply->rawHeader("X-Error-Code");
    if (status == 401 || status == 403 || code == "GatedRepo") {
        if (code == "RepoNotFound") { // the Hub answers 401 for a repo it will not name
            return DownloadFailure{K::NotFound, what + " was not found on the Hub, or it is "
                                                       "private: check the name, or log in "
                                                       "(huggingface-cli login) or set HF_TOKEN."};
        }
        return DownloadFailure{
            K::Unauthorized,
            QStringLiteral("The Hub refused access to %1 (HTTP %2): it is gated or private. "
                           "Accept its terms on huggingface.co, then log in with "
                           "`huggingface-cli login` or set HF_TOKEN.")
                .arg(what)
                .arg(status)};
    }
    if (status == 404) {
        return DownloadFailure{K::NotFound,
                               QStringLiteral("%1 was not found on the Hub (HTTP 404): check the "
                                              "repository name and revision.")
                                   .arg(what)};
    }
    if (status == 429 || status >= 500) {
        return DownloadFailure{
            K::Server, QStringLiteral("The Hub answered HTTP %1 for %2.").arg(status).arg(what)};
    }
    switch (reply->error()) {
    case QNetworkReply::NoError:
        break;
    case QNetworkReply::OperationCanceledError:
        return DownloadFailure{K::Cancelled, QStringLiteral("Stopped.")};
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
        return DownloadFailure{
            K::NoNetwork,
            QStringLiteral("Cannot reach %1: %2.").arg(reply->url().host(), reply->errorString())};
    default:
        if (status >= 400) {
            return DownloadFailure{
                K::Other, QStringLiteral("The Hub answered HTTP %1 for %2.").arg(status).arg(what)};
        }
        return DownloadFailure{K::Dropped,
                               QStringLiteral("The connection broke while fetching %1: %2.")
                                   .arg(what, reply->errorString())};
    }
    if (status >= 400) {
        return DownloadFailure{
            K::Other, QStringLiteral("The Hub answered HTTP %1 for %2.").arg(status).arg(what)};
    }
    return std::nullopt;
}

} // namespace nanovlm::app
