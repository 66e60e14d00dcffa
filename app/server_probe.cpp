#include "server_probe.h"

#include "openai_reply.h"
#include "server_address.h"

#include <QNetworkReply>

namespace nanovlm::app {

ServerProbe::ServerProbe(QObject* parent) : QObject(parent) {}

void ServerProbe::clear() {
    if (reply_) {
        disconnect(reply_, nullptr, this, nullptr);
        reply_->abort();
        reply_->deleteLater();
    }
    models_.clear();
    error_.clear();
    base_url_.clear();
    emit changed();
}

void ServerProbe::check(const QString& base_url, const QString& api_key) {
    clear();
    const std::optional<QUrl> base = normalize_base_url(base_url, &error_);
    if (!base) {
        emit changed();
        return;
    }
    base_url_ = base->toString();
    const QString key = api_key.trimmed();
    QNetworkReply* reply =
        network_.get(openai_request(*base, QStringLiteral("/models"), key, timeout_ms_));
    reply_ = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, base = *base, key] {
        reply->deleteLater();
        reply_ = nullptr;
        const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
        if (const auto failure = openai_failure(*reply, body, base, !key.isEmpty(), timeout_ms_)) {
            error_ = *failure;
        } else if (const auto models = parse_model_list(body, base, &error_)) {
            models_ = *models;
        }
        emit changed();
    });
    emit changed();
}

} // namespace nanovlm::app
