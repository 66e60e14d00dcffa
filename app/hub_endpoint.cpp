#include "hub_endpoint.h"

#include "nanovlm/checkpoint_scanner.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace nanovlm::app {
namespace {

QString env(const char* name) {
    return qEnvironmentVariable(name);
}

bool truthy(const QString& value) {
    const QString v = value.trimmed().toLower();
    return v == "1" || v == "on" || v == "yes" || v == "true";
}

QByteArray readToken() {
    if (const QByteArray token = env("HF_TOKEN").trimmed().toUtf8(); !token.isEmpty()) {
        return token;
    }
    QString path = env("HF_TOKEN_PATH");
    if (path.isEmpty()) {
        QString home = env("HF_HOME");
        if (home.isEmpty()) {
            home = QDir::homePath() + "/.cache/huggingface";
        }
        path = home + "/token";
    }
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
}

// Path segments of a URL are percent-encoded; '/' inside a file name stays a separator.
QString encodedPath(const QString& path) {
    QStringList parts = path.split('/');
    for (QString& part : parts) {
        part = QString::fromLatin1(QUrl::toPercentEncoding(part));
    }
    return parts.join('/');
}

} // namespace

HubEndpoint HubEndpoint::fromEnvironment() {
    HubEndpoint hub;
    QString endpoint = env("HF_ENDPOINT").trimmed();
    if (endpoint.isEmpty()) {
        endpoint = QStringLiteral("https://huggingface.co");
    }
    while (endpoint.endsWith('/')) {
        endpoint.chop(1);
    }
    hub.endpoint = QUrl(endpoint);
    hub.cache = QString::fromStdString(hub_cache_directory());
    hub.token = readToken();
    hub.offline = truthy(env("HF_HUB_OFFLINE")) || truthy(env("TRANSFORMERS_OFFLINE"));
    return hub;
}

QUrl HubEndpoint::revisionUrl(const QString& repo, const QString& revision) const {
    return QUrl(endpoint.toString() + "/api/models/" + repo + "/revision/" +
                    QString::fromLatin1(QUrl::toPercentEncoding(revision)),
                QUrl::StrictMode);
}

QUrl HubEndpoint::resolveUrl(const QString& repo, const QString& commit,
                             const QString& file) const {
    return QUrl(endpoint.toString() + "/" + repo + "/resolve/" + commit + "/" + encodedPath(file),
                QUrl::StrictMode);
}

bool HubEndpoint::sameOrigin(const QUrl& url) const {
    return url.scheme() == endpoint.scheme() && url.host() == endpoint.host() &&
           url.port(url.scheme() == "https" ? 443 : 80) ==
               endpoint.port(endpoint.scheme() == "https" ? 443 : 80);
}

QNetworkRequest HubEndpoint::request(const QUrl& url) const {
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("User-Agent", "nanovlm-chat");
    // The real size, not a compressed one: sizes and checksums are of the stored bytes.
    request.setRawHeader("Accept-Encoding", "identity");
    if (!token.isEmpty() && sameOrigin(url)) {
        request.setRawHeader("Authorization", "Bearer " + token);
    }
    return request;
}

QString HubEndpoint::repoFolder(const QString& repo) const {
    return cache + "/models--" + QString(repo).replace('/', QLatin1String("--"));
}

QString HubEndpoint::manualCommand(const QString& repo, const QString& revision) {
    QString command = "huggingface-cli download " + repo;
    if (!revision.isEmpty() && revision != "main") {
        command += " --revision " + revision;
    }
    return command;
}

bool isValidRepoId(const QString& repo) {
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/"
                       "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$"));
    return pattern.match(repo).hasMatch() && !repo.contains(QLatin1String("..")) &&
           !repo.contains(QLatin1String("--"));
}

} // namespace nanovlm::app
