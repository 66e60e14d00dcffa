#include "local_only_network.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QQmlEngine>
#include <QTimer>

namespace nanovlm::app {
namespace {

// The answer to a refused request: fails at once, reads nothing, sends nothing.
class RefusedReply : public QNetworkReply {
public:
    RefusedReply(const QNetworkRequest& request, QNetworkAccessManager::Operation operation,
                 QObject* parent)
        : QNetworkReply(parent) {
        setRequest(request);
        setUrl(request.url());
        setOperation(operation);
        setOpenMode(QIODevice::ReadOnly);
        setError(ContentAccessDenied,
                 QStringLiteral("nanovlm-chat loads nothing from the network (%1)")
                     .arg(request.url().toString()));
        setFinished(true);
        // Signals after the caller has connected to them, as a real reply's are.
        QTimer::singleShot(0, this, [this] {
            emit errorOccurred(ContentAccessDenied);
            emit finished();
        });
    }
    void abort() override {}

protected:
    qint64 readData(char*, qint64) override { return -1; }
};

class LocalOnlyManager : public QNetworkAccessManager {
public:
    using QNetworkAccessManager::QNetworkAccessManager;

protected:
    QNetworkReply* createRequest(Operation operation, const QNetworkRequest& request,
                                 QIODevice* data) override {
        if (!LocalOnlyNetworkFactory::isLocal(request.url())) {
            return new RefusedReply(request, operation, this);
        }
        return QNetworkAccessManager::createRequest(operation, request, data);
    }
};

} // namespace

bool LocalOnlyNetworkFactory::isLocal(const QUrl& url) {
    const QString scheme = url.scheme().toLower();
    return scheme == QLatin1String("file") || scheme == QLatin1String("qrc") ||
           scheme == QLatin1String("data");
}

QNetworkAccessManager* LocalOnlyNetworkFactory::create(QObject* parent) {
    return new LocalOnlyManager(parent);
}

void install_local_only_network(QQmlEngine& engine) {
    static LocalOnlyNetworkFactory factory; // create() is thread-safe: it keeps no state
    engine.setNetworkAccessManagerFactory(&factory);
}

} // namespace nanovlm::app
