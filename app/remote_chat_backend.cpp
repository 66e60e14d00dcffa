#include "remote_chat_backend.h"

#include "api_key_store.h"
#include "openai_chat_body.h"
#include "openai_reply.h"

#include "nanovlm/error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace nanovlm::app {
namespace {

constexpr qsizetype kMaxBodyBytes = 8 << 20; // a non-streamed answer or an error page

AnswerResult::Ending ending_of(const QString& finish_reason) {
    return finish_reason == QLatin1String("length") ? AnswerResult::Ending::Length
                                                    : AnswerResult::Ending::EndOfAnswer;
}

} // namespace

RemoteChatBackend::RemoteChatBackend(QObject* parent) : AnswerBackend(parent) {}

RemoteChatBackend::~RemoteChatBackend() {
    // Nothing may reach this half-destroyed object from a reply the manager ends.
    for (QNetworkReply* reply : {check_.data(), running_ ? running_->reply.data() : nullptr}) {
        if (reply != nullptr) {
            disconnect(reply, nullptr, this, nullptr);
            reply->abort();
        }
    }
}

void RemoteChatBackend::setTimeouts(int check_ms, int answer_ms) {
    check_timeout_ms_ = check_ms;
    answer_timeout_ms_ = answer_ms;
}

void RemoteChatBackend::loadModel(const QString& address, const QString&) {
    const std::optional<ServerAddress> server = parse_server_address(address);
    if (!server) {
        emit modelFailed(tr("“%1” is not a server address.").arg(address));
        return;
    }
    if (check_) {
        disconnect(check_, nullptr, this, nullptr);
        check_->abort();
        check_->deleteLater();
    }
    const QString key = ApiKeyStore::key(server->base.toString());
    emit modelLoadProgress(0, tr("Asking the server"));
    QNetworkReply* reply = network_.get(
        openai_request(server->base, QStringLiteral("/models"), key, check_timeout_ms_));
    check_ = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, server = *server, key] {
        reply->deleteLater();
        check_ = nullptr;
        const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
        if (const auto failure =
                openai_failure(*reply, body, server.base, !key.isEmpty(), check_timeout_ms_)) {
            emit modelFailed(*failure);
            return;
        }
        QString error;
        const std::optional<QStringList> models = parse_model_list(body, server.base, &error);
        if (!models) {
            emit modelFailed(error);
            return;
        }
        if (!models->contains(server.model)) {
            emit modelFailed(tr("The server at %1 has no model “%2”; it has %3.")
                                 .arg(server_host(server.base), server.model,
                                      models->join(QStringLiteral(", "))));
            return;
        }
        server_ = server;
        key_ = key;
        ModelSummary summary;
        summary.directory = server_address(server);
        summary.name = server_label(server);
        summary.server = server.base.toString();
        emit modelLoadProgress(1, {});
        emit modelLoaded(summary);
    });
}

void RemoteChatBackend::answer(const ChatRequest& request) {
    if (running_ && running_->reply) { // abandoned by the controller: nobody reads it
        disconnect(running_->reply, nullptr, this, nullptr);
        running_->reply->abort();
        running_->reply->deleteLater();
    }
    running_.reset();
    if (!server_) {
        emit answerFailed(request.id, tr("No server is chosen."));
        return;
    }
    QByteArray body;
    try {
        body = openai_chat_body(request, server_->model);
    } catch (const Error& e) {
        emit answerFailed(request.id, QString::fromStdString(e.what()));
        return;
    }
    running_.emplace();
    running_->id = request.id;
    running_->clock.start();
    WorkProgress waiting;
    waiting.stage = WorkProgress::Stage::WaitingForServer;
    waiting.image_count = int(request.images.size());
    emit progress(request.id, waiting);

    QNetworkReply* reply =
        network_.post(openai_request(server_->base, QStringLiteral("/chat/completions"), key_,
                                     answer_timeout_ms_),
                      body);
    running_->reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, &RemoteChatBackend::on_ready_read);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { on_finished(reply); });
}

void RemoteChatBackend::on_ready_read() {
    if (!running_ || !running_->reply) {
        return;
    }
    QNetworkReply& reply = *running_->reply;
    const QByteArray bytes = reply.isOpen() ? reply.readAll() : QByteArray(); // aborted: closed
    const int status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool streamed = reply.header(QNetworkRequest::ContentTypeHeader)
                              .toString()
                              .startsWith(QLatin1String("text/event-stream"));
    if (status >= 200 && status < 300 && streamed) {
        for (const QByteArray& event : running_->events.feed(bytes)) {
            on_event(event);
            if (!running_) {
                return;
            }
        }
    } else if (running_->body.size() < kMaxBodyBytes) {
        running_->body += bytes;
    }
}

void RemoteChatBackend::on_event(const QByteArray& data) {
    if (data.trimmed() == "[DONE]") {
        running_->done = true;
        return;
    }
    const QJsonObject chunk = QJsonDocument::fromJson(data).object();
    if (chunk.contains(QLatin1String("error"))) {
        running_->error = openai_error_message(data);
        return;
    }
    const QJsonObject usage = chunk.value("usage").toObject();
    if (!usage.isEmpty()) {
        running_->usage_tokens = usage.value("completion_tokens").toInt(-1);
        running_->prompt_tokens = usage.value("prompt_tokens").toInt();
    }
    const QJsonObject choice = chunk.value("choices").toArray().first().toObject();
    emit_delta(choice.value("delta").toObject().value("content").toString());
    const QString reason = choice.value("finish_reason").toString();
    if (!reason.isEmpty()) {
        running_->ending = ending_of(reason);
    }
}

void RemoteChatBackend::emit_delta(const QString& text) {
    if (text.isEmpty()) {
        return;
    }
    if (running_->ttft_ms < 0) {
        running_->first_text_ms = running_->clock.elapsed();
        running_->ttft_ms = double(running_->clock.nsecsElapsed()) / 1e6;
    }
    ++running_->chunks;
    emit textDelta(running_->id, text);
}

void RemoteChatBackend::on_finished(QNetworkReply* reply) {
    reply->deleteLater();
    if (!running_ || running_->reply != reply) {
        return;
    }
    on_ready_read(); // whatever arrived with the end
    Running& r = *running_;
    const quint64 id = r.id;
    if (!r.stopped) {
        std::optional<QString> failure =
            openai_failure(*reply, r.body, server_->base, !key_.isEmpty(), answer_timeout_ms_);
        if (!failure && !r.body.isEmpty()) { // a server that does not stream: the whole answer
            const QJsonObject choice = QJsonDocument::fromJson(r.body)
                                           .object()
                                           .value("choices")
                                           .toArray()
                                           .first()
                                           .toObject();
            emit_delta(choice.value("message").toObject().value("content").toString());
            r.ending = ending_of(choice.value("finish_reason").toString());
        }
        if (!failure && !r.error.isEmpty()) {
            failure = tr("The server at %1 failed mid-answer: %2")
                          .arg(server_host(server_->base), r.error);
        }
        if (!failure && !r.done && !r.ending) {
            failure = tr("The server at %1 closed the connection before the answer ended.")
                          .arg(server_host(server_->base));
        }
        if (failure) {
            running_.reset();
            emit answerFailed(id, *failure);
            return;
        }
    }
    AnswerResult result;
    result.request = id;
    result.ending = r.stopped ? AnswerResult::Ending::Stopped
                              : r.ending.value_or(AnswerResult::Ending::EndOfAnswer);
    result.ttft_ms = r.ttft_ms;
    result.token_count = r.usage_tokens >= 0 && !r.stopped ? r.usage_tokens : r.chunks;
    const qint64 writing_ms = r.clock.elapsed() - r.first_text_ms;
    if (r.first_text_ms >= 0 && result.token_count > 1 && writing_ms > 0) {
        result.tokens_per_s = (result.token_count - 1) * 1000.0 / double(writing_ms);
    }
    result.prompt_tokens = r.prompt_tokens;
    running_.reset();
    emit answerFinished(result);
}

void RemoteChatBackend::stop(quint64 request) {
    if (running_ && running_->id == request) {
        abort_running();
    }
}

void RemoteChatBackend::stopAll() {
    if (running_) {
        abort_running();
    }
}

void RemoteChatBackend::abort_running() {
    running_->stopped = true;
    // abort() emits finished() at once; the caller expects the result later, as from the worker.
    QMetaObject::invokeMethod(
        this,
        [reply = running_->reply] {
            if (reply) {
                reply->abort();
            }
        },
        Qt::QueuedConnection);
}

} // namespace nanovlm::app
