#pragma once

#include "server_address.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT

namespace nanovlm::app {

// The servers the user added in the model picker ("Add a server…"), each a model on a server
// that speaks the OpenAI chat API. Kept in the settings (the `servers` array: base URL and model)
// across restarts; their API keys are kept apart, in ApiKeyStore. Choosing an entry means
// ChatController::loadModel(address).
class ServerList : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)

public:
    enum Roles {
        AddressRole = Qt::UserRole + 1, // "BASE#MODEL", what loadModel() takes
        ModelRole,                      // "demo-model"
        LabelRole,                      // "demo-model on 127.0.0.1:8080"
        BaseUrlRole,                    // "http://127.0.0.1:8080/v1"
        MaskedKeyRole,                  // "••••••••abcd", "" without a key
        LastRole
    };
    Q_ENUM(Roles)

    explicit ServerList(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(servers_.size()); }
    QString error() const { return error_; }

    // Adds (or updates the key of) `model` on the server at `base_url` (normalised) and returns
    // its address; "" and `error` set when the URL or the key file is not right.
    Q_INVOKABLE QString add(const QString& base_url, const QString& model, const QString& api_key);
    // Forgets entry `row`, and its key once no other entry uses that server.
    Q_INVOKABLE void remove(int row);
    // Re-reads the settings (another picker added one).
    Q_INVOKABLE void reload();

signals:
    void countChanged();
    void errorChanged();

private:
    void save() const;
    void set_error(const QString& message);

    QList<ServerAddress> servers_;
    QString error_;
};

} // namespace nanovlm::app
