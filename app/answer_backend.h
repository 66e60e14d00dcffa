#pragma once

#include "chat_types.h"

#include <QObject>

namespace nanovlm::app {

// What ChatController talks to when it needs an answer: the local engine (InferenceWorker, on
// its own thread) or a server speaking the OpenAI chat API (RemoteChatBackend, on the GUI
// thread). The controller calls loadModel/answer/resetConversation through queued
// QMetaObject::invokeMethod on the backend's thread and stop/stopAll directly; the results come
// back as the queued signals below, never from inside one of these calls. Request ids are the
// controller's, so a late signal of an abandoned request is recognised and dropped.
class AnswerBackend : public QObject {
    Q_OBJECT

public:
    using QObject::QObject;

    // A checkpoint folder (local) or a server address (server_address.h).
    virtual void loadModel(const QString& source, const QString& tokenizer_file) = 0;
    virtual void answer(const nanovlm::app::ChatRequest& request) = 0;
    // New chat: the next question starts an empty transcript.
    virtual void resetConversation() = 0;
    // Thread-safe: stops `request`, running or queued; what was written stays.
    virtual void stop(quint64 request) = 0;
    // Thread-safe: stops the running request and every one queued (shutdown).
    virtual void stopAll() = 0;

signals:
    void modelLoadProgress(double fraction, const QString& stage);
    void modelLoaded(const nanovlm::app::ModelSummary& summary);
    void modelFailed(const QString& message);

    void progress(quint64 request, const nanovlm::app::WorkProgress& progress);
    // New answer text since the last delta: never the whole answer again.
    void textDelta(quint64 request, const QString& text);
    void answerFinished(const nanovlm::app::AnswerResult& result);
    // A message for a person; the conversation stays usable.
    void answerFailed(quint64 request, const QString& message);
};

} // namespace nanovlm::app
