#include "server_list.h"

#include "api_key_store.h"

#include <QSettings>

namespace nanovlm::app {

ServerList::ServerList(QObject* parent) : QAbstractListModel(parent) {
    reload();
}

void ServerList::reload() {
    beginResetModel();
    servers_.clear();
    QSettings settings;
    const int n = settings.beginReadArray(QStringLiteral("servers"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        QString ignored;
        const std::optional<QUrl> base =
            normalize_base_url(settings.value(QStringLiteral("baseUrl")).toString(), &ignored);
        const QString model = settings.value(QStringLiteral("model")).toString();
        if (base && !model.isEmpty()) {
            servers_.push_back({*base, model});
        }
    }
    settings.endArray();
    endResetModel();
    emit countChanged();
}

void ServerList::save() const {
    QSettings settings;
    settings.beginWriteArray(QStringLiteral("servers"), int(servers_.size()));
    for (int i = 0; i < servers_.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("baseUrl"), servers_[i].base.toString());
        settings.setValue(QStringLiteral("model"), servers_[i].model);
    }
    settings.endArray();
}

int ServerList::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(servers_.size());
}

QVariant ServerList::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= servers_.size()) {
        return {};
    }
    const ServerAddress& s = servers_[index.row()];
    switch (role) {
    case AddressRole:
        return server_address(s);
    case ModelRole:
        return s.model;
    case LabelRole:
        return server_label(s);
    case BaseUrlRole:
        return s.base.toString();
    case MaskedKeyRole:
        return ApiKeyStore::masked(ApiKeyStore::key(s.base.toString()));
    default:
        return {};
    }
}

QHash<int, QByteArray> ServerList::roleNames() const {
    return {{AddressRole, "address"},
            {ModelRole, "model"},
            {LabelRole, "label"},
            {BaseUrlRole, "baseUrl"},
            {MaskedKeyRole, "maskedKey"}};
}

void ServerList::set_error(const QString& message) {
    if (error_ != message) {
        error_ = message;
        emit errorChanged();
    }
}

QString ServerList::add(const QString& base_url, const QString& model, const QString& api_key) {
    QString error;
    const std::optional<QUrl> base = normalize_base_url(base_url, &error);
    if (!base) {
        set_error(error);
        return {};
    }
    if (model.isEmpty()) {
        set_error(tr("Choose one of the server's models."));
        return {};
    }
    // The key is written first: a listed server whose key is missing would fail with a 401.
    if (!ApiKeyStore::setKey(base->toString(), api_key.trimmed(), &error)) {
        set_error(tr("Could not keep the API key: %1").arg(error));
        return {};
    }
    set_error({});
    const ServerAddress server{*base, model};
    for (int i = 0; i < servers_.size(); ++i) {
        if (servers_[i].base == server.base && servers_[i].model == model) {
            emit dataChanged(index(i), index(i), {MaskedKeyRole});
            return server_address(server);
        }
    }
    beginInsertRows({}, int(servers_.size()), int(servers_.size()));
    servers_.push_back(server);
    endInsertRows();
    save();
    emit countChanged();
    return server_address(server);
}

void ServerList::remove(int row) {
    if (row < 0 || row >= servers_.size()) {
        return;
    }
    const QUrl base = servers_[row].base;
    beginRemoveRows({}, row, row);
    servers_.removeAt(row);
    endRemoveRows();
    save();
    emit countChanged();
    const bool still_used = std::any_of(servers_.cbegin(), servers_.cend(),
                                        [&](const ServerAddress& s) { return s.base == base; });
    if (!still_used) {
        QString ignored;
        ApiKeyStore::setKey(base.toString(), {}, &ignored);
    }
}

} // namespace nanovlm::app
