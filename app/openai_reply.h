#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

class QNetworkReply;

namespace nanovlm::app {

// The pieces every request to an OpenAI-compatible server shares: how it is sent, and what a
// failed one means in words a person can act on. No message ever contains the API key.

// A request for `base` + `path` ("/models", "/chat/completions") with the key as a Bearer token
// (none when empty). `timeout_ms`: the request fails once nothing moves for this long.
QNetworkRequest openai_request(const QUrl& base, const QString& path, const QString& api_key,
                               int timeout_ms);

// Why `reply` (finished) failed, or nullopt when it succeeded (HTTP 2xx). `body` is what was
// read of it; an OpenAI error object ({"error": {"message"}}) there is quoted. A cancelled reply
// counts as the transfer timeout (`timeout_ms`, named in the message): callers handle their own
// Stop before asking.
std::optional<QString> openai_failure(const QNetworkReply& reply, const QByteArray& body,
                                      const QUrl& base, bool sent_key, int timeout_ms);

// The model ids of a GET /models answer ({"data": [{"id": ...}]}); nullopt and a message when
// the body is not such a list.
std::optional<QStringList> parse_model_list(const QByteArray& body, const QUrl& base,
                                            QString* error);

// The message of an OpenAI error object, "" when `json` is not one.
QString openai_error_message(const QByteArray& json);

} // namespace nanovlm::app
