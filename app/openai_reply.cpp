#include "openai_reply.h"

#include "server_address.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace nanovlm::app {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("OpenAiReply", text);
}

} // namespace

QNetworkRequest openai_request(const QUrl& base, const QString& path, const QString& api_key,
                               int timeout_ms) {
    QUrl url = base;
    url.setPath(base.path() + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json, text/event-stream");
    if (!api_key.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + api_key.toUtf8());
    }
    request.setTransferTimeout(timeout_ms);
    // A redirect could carry the key to another host; an API answers where it is asked.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    return request;
}

QString openai_error_message(const QByteArray& json) {
    const QJsonObject error = QJsonDocument::fromJson(json).object().value("error").toObject();
    return error.value("message").toString().left(600);
}

std::optional<QString> openai_failure(const QNetworkReply& reply, const QByteArray& body,
                                      const QUrl& base, bool sent_key, int timeout_ms) {
    const QString where = server_host(base);
    const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString server_message = openai_error_message(body);
    if (status == 401 || status == 403) {
        const QString detail =
            server_message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(server_message);
        return sent_key ? tr("The server at %1 refused the API key (HTTP %2)%3. Check the key "
                             "in “Add a server…”.")
                              .arg(where)
                              .arg(status)
                              .arg(detail)
                        : tr("The server at %1 needs an API key (HTTP %2)%3. Add the server "
                             "again with its key.")
                              .arg(where)
                              .arg(status)
                              .arg(detail);
    }
    if (status >= 300) {
        if (!server_message.isEmpty()) {
            return tr("The server at %1 answered: %2 (HTTP %3)")
                .arg(where, server_message)
                .arg(status);
        }
        return tr("The server at %1 answered HTTP %2 %3: is %4 the address of an OpenAI-compatible "
                  "API? It usually ends in /v1.")
            .arg(where)
            .arg(status)
            .arg(reply.attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString(),
                 base.toString());
    }
    switch (reply.error()) {
    case QNetworkReply::NoError:
        return std::nullopt;
    case QNetworkReply::ConnectionRefusedError:
        return tr("Cannot reach the server at %1: nothing answers there (connection refused). "
                  "Is the server running?")
            .arg(where);
    case QNetworkReply::HostNotFoundError:
        return tr("Cannot reach the server: the host “%1” is not known.").arg(base.host());
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return tr("The server at %1 did not answer within %2 s.")
            .arg(where)
            .arg(timeout_ms / 1000.0, 0, 'f', timeout_ms % 1000 == 0 ? 0 : 1);
    case QNetworkReply::RemoteHostClosedError:
        return tr("The server at %1 closed the connection before it answered.").arg(where);
    default:
        return tr("Cannot reach the server at %1: %2").arg(where, reply.errorString());
    }
}

std::optional<QStringList> parse_model_list(const QByteArray& body, const QUrl& base,
                                            QString* error) {
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parse);
    const QJsonValue data = doc.object().value("data");
    if (parse.error != QJsonParseError::NoError || !data.isArray()) {
        *error = tr("%1 does not look like an OpenAI-compatible API: GET %2/models did not "
                    "answer with a list of models.")
                     .arg(server_host(base), base.path());
        return std::nullopt;
    }
    QStringList models;
    for (const QJsonValue& model : data.toArray()) {
        const QString id = model.toObject().value("id").toString();
        if (!id.isEmpty()) {
            models.push_back(id);
        }
    }
    if (models.isEmpty()) {
        *error = tr("The server at %1 lists no models.").arg(server_host(base));
        return std::nullopt;
    }
    return models;
}

} // namespace nanovlm::app
