#pragma once

#include "answer_backend.h"
#include "server_address.h"
#include "sse_reader.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QPointer>

#include <optional>

class QNetworkReply;

namespace nanovlm::app {

// Answers through a server that speaks the OpenAI chat API (`nanovlm serve`, llama.cpp,
// vLLM, ...), behind the same AnswerBackend seam as the local worker. It lives on the GUI thread:
// QNetworkAccessManager is asynchronous, so nothing here waits.
//
// loadModel(address) checks that the server lists the model (GET /models, with the key kept in
// ApiKeyStore for that base URL); answer() POSTs the whole chat so far to /chat/completions with
// stream: true and turns the server-sent events into text deltas. Stop aborts the request (what
// came stays). A server that goes silent for the timeout ends the answer with a message.
//
// This manager is the app's own, not QML's (local_only_network.h keeps QML from fetching
// anything): it reaches exactly the server the user configured.
class RemoteChatBackend : public AnswerBackend {
    Q_OBJECT

public:
    static constexpr int kCheckTimeoutMs = 10'000;
    static constexpr int kAnswerTimeoutMs = 120'000;

    explicit RemoteChatBackend(QObject* parent = nullptr);
    ~RemoteChatBackend() override;

    void loadModel(const QString& address, const QString& tokenizer_file) override;
    void answer(const nanovlm::app::ChatRequest& request) override;
    void resetConversation() override {} // every request carries the whole chat
    void stop(quint64 request) override;
    void stopAll() override;

    // How long a request may stay silent before it fails (tests shorten it).
    void setTimeouts(int check_ms, int answer_ms);

private:
    struct Running {
        quint64 id = 0;
        QPointer<QNetworkReply> reply;
        SseReader events;
        QByteArray body; // a non-streamed or error body
        QElapsedTimer clock;
        double ttft_ms = -1;
        qint64 first_text_ms = -1;
        int chunks = 0;
        int usage_tokens = -1;
        int prompt_tokens = 0;
        std::optional<AnswerResult::Ending> ending;
        QString error; // an error event in the stream
        bool done = false;
        bool stopped = false;
    };

    void on_ready_read();
    void on_event(const QByteArray& data);
    void on_finished(QNetworkReply* reply);
    void emit_delta(const QString& text);
    void abort_running(); // stops the reply after the caller has returned

    QNetworkAccessManager network_;
    std::optional<ServerAddress> server_;
    QString key_;
    std::optional<Running> running_;
    QPointer<QNetworkReply> check_;
    int check_timeout_ms_ = kCheckTimeoutMs;
    int answer_timeout_ms_ = kAnswerTimeoutMs;
};

} // namespace nanovlm::app
