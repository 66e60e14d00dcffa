#pragma once

#include <QString>
#include <QUrl>

#include <optional>

namespace nanovlm::app {

// A model on a server that speaks the OpenAI chat API: its base URL (the part before
// /chat/completions, usually ending in /v1) and the model id from its GET /models.
struct ServerAddress {
    QUrl base;
    QString model;
};

// The one string that names a server's model wherever a checkpoint folder would go (the
// picker, lastModel in the settings, the model of a saved answer): "BASE#MODEL", for example
// "http://127.0.0.1:8080/v1#demo-model". nullopt for anything else (a folder, a file:// URL).
QString server_address(const ServerAddress& server);
std::optional<ServerAddress> parse_server_address(const QString& text);

// The base URL a person typed, as requests use it: "127.0.0.1:8080", "http://host:8080/" and
// "http://host:8080/v1/chat/completions" all become "http://host:8080/v1"; a path other than
// those is kept. nullopt and a message for something that is not an http(s) address.
std::optional<QUrl> normalize_base_url(const QString& text, QString* error);

// "127.0.0.1:8080" (https shown as such): where answers come from, for labels and messages.
QString server_host(const QUrl& base);
// "demo-model on 127.0.0.1:8080"
QString server_label(const ServerAddress& server);

} // namespace nanovlm::app
