#include "server_address.h"

#include <QCoreApplication>

namespace nanovlm::app {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("ServerAddress", text);
}

bool is_http(const QUrl& url) {
    return (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")) &&
           !url.host().isEmpty();
}

} // namespace

QString server_address(const ServerAddress& server) {
    QUrl url = server.base;
    url.setFragment(server.model);
    return url.toString(QUrl::FullyEncoded);
}

std::optional<ServerAddress> parse_server_address(const QString& text) {
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || !is_http(url) || !url.hasFragment() ||
        url.fragment(QUrl::FullyDecoded).isEmpty()) {
        return std::nullopt;
    }
    ServerAddress server;
    server.model = url.fragment(QUrl::FullyDecoded);
    server.base = url.adjusted(QUrl::RemoveFragment);
    return server;
}

std::optional<QUrl> normalize_base_url(const QString& text, QString* error) {
    QString typed = text.trimmed();
    if (typed.isEmpty()) {
        *error = tr("Type the server's address, for example http://127.0.0.1:8080/v1");
        return std::nullopt;
    }
    if (!typed.contains(QLatin1String("://"))) {
        typed.prepend(QLatin1String("http://"));
    }
    QUrl url(typed, QUrl::StrictMode);
    if (!url.isValid() || !is_http(url)) {
        *error = tr("“%1” is not a server address: it needs http:// or https:// and a host, "
                    "for example http://127.0.0.1:8080/v1")
                     .arg(text.trimmed());
        return std::nullopt;
    }
    if (!url.userInfo().isEmpty()) {
        *error = tr("Give the API key in its own field, not in the address.");
        return std::nullopt;
    }
    url.setQuery(QString());
    url.setFragment(QString());
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/'))) {
        path.chop(1);
    }
    for (const QLatin1String tail :
         {QLatin1String("/chat/completions"), QLatin1String("/models")}) {
        if (path.endsWith(tail)) {
            path.chop(tail.size());
        }
    }
    url.setPath(path.isEmpty() ? QStringLiteral("/v1") : path);
    return url.adjusted(QUrl::NormalizePathSegments);
}

QString server_host(const QUrl& base) {
    const QString host =
        base.port() >= 0 ? QStringLiteral("%1:%2").arg(base.host()).arg(base.port()) : base.host();
    return base.scheme() == QLatin1String("https") ? QStringLiteral("https://") + host : host;
}

QString server_label(const ServerAddress& server) {
    return tr("%1 on %2").arg(server.model, server_host(server.base));
}

} // namespace nanovlm::app
