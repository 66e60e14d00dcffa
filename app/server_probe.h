#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT

class QNetworkReply;

namespace nanovlm::app {

// "Connect" in the Add-a-server dialog: asks a server for its models (GET /models) with the key
// typed, and says in words what went wrong (unreachable, wrong or missing key, not an OpenAI
// API). Its network manager is the app's own, which reaches any host the user typed.
class ServerProbe : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool busy READ busy NOTIFY changed)
    Q_PROPERTY(QStringList models READ models NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)
    // The URL as it was asked ("http://127.0.0.1:8080/v1"), once normalised.
    Q_PROPERTY(QString baseUrl READ baseUrl NOTIFY changed)
    Q_PROPERTY(int timeout MEMBER timeout_ms_ NOTIFY changed) // ms of silence before it gives up

public:
    explicit ServerProbe(QObject* parent = nullptr);

    bool busy() const { return reply_ != nullptr; }
    QStringList models() const { return models_; }
    QString error() const { return error_; }
    QString baseUrl() const { return base_url_; }

    Q_INVOKABLE void check(const QString& base_url, const QString& api_key);
    Q_INVOKABLE void clear();

signals:
    void changed();

private:
    QNetworkAccessManager network_;
    QPointer<QNetworkReply> reply_;
    QStringList models_;
    QString error_;
    QString base_url_;
    int timeout_ms_ = 10'000;
};

} // namespace nanovlm::app
