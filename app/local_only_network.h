#pragma once

#include <QQmlNetworkAccessManagerFactory>

class QQmlEngine;

namespace nanovlm::app {

// "Nothing leaves your machine" for every QML view, present and future: the engine's network
// access managers refuse every URL that is not a local file or resource. Text from a chat (a
// title, a Markdown answer with ![x](http://...)) can name remote pictures; none is ever fetched.
class LocalOnlyNetworkFactory : public QQmlNetworkAccessManagerFactory {
public:
    QNetworkAccessManager* create(QObject* parent) override;

    // Schemes that name something on this machine: file, qrc, data.
    static bool isLocal(const QUrl& url);
};

// Installs one factory on `engine` (the engine does not own it; it lives as long as the
// process).
void install_local_only_network(QQmlEngine& engine);

} // namespace nanovlm::app
