#pragma once

#include "answer_backend.h"
#include "chat_types.h"
#include "transcript_replay.h"

#include "nanovlm/nanovlm.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

namespace nanovlm::app {

// Runs the engine for one chat window. It lives on the one QThread its ChatController owns:
// requests come in as queued calls (QMetaObject::invokeMethod with a functor), answers go out as
// queued signals carrying text *deltas*, so the GUI thread never waits for the engine and the
// engine's objects are only ever touched on this thread.
//
// The worker keeps the conversation's Session alive between questions: a follow-up reads only
// the new turn after what the KV cache already holds, so images already seen are not encoded
// again. resetConversation() forgets it (new chat). When a request's chat or earlier turns are
// not what the session holds (a chat reopened from disk, a model switched, a question edited or
// another version shown), the worker keeps the turns the session still holds as they are,
// rewinds to the first that differs and reads the rest from the request's history: every
// earlier picture not held encoded once, then the new question.
class InferenceWorker : public AnswerBackend {
    Q_OBJECT

public:
    explicit InferenceWorker(QObject* parent = nullptr);
    ~InferenceWorker() override;

    // Thread-safe (called from the GUI thread while this thread is busy): stops `request`,
    // whether running or still queued, at the next token or ViT block. What was written stays.
    void stop(quint64 request) override;
    // Thread-safe: stops the running request and every one queued (shutdown).
    void stopAll() override;
    // Thread-safe. Sleeps this long at every engine step (tile, prompt chunk, token) so that a
    // tiny test model's stages last long enough to watch or to stop in the middle of. Tests and
    // scripted demos only; 0 (the default) in normal use.
    void setStepDelay(int milliseconds) { step_delay_ms_.store(milliseconds); }

    // The methods below run on the worker thread.
    void loadModel(const QString& directory, const QString& tokenizer_file) override;
    void answer(const nanovlm::app::ChatRequest& request) override;
    // New chat: the next question starts an empty transcript.
    void resetConversation() override;

private:
    // Where the last user turn sits in the session, so it can be answered again.
    struct Turn {
        int start = -1;        // position before the question was read
        int answer_start = -1; // position after it; -1 while the question is not fully read
        TokenId last_prompt_id = -1;
        bool closed = true; // the transcript ends with the end-of-answer id
    };

    void run(const ChatRequest& request);
    // How many of the request's history turns the session holds as they are.
    int turns_held(const ChatRequest& request) const;
    Session& session_for(int threads);
    void close_previous_answer();
    // `earlier`: pictures of a replayed history prepared before these (for the progress count).
    std::vector<PreprocessedImage> prepare_images(const ChatRequest& request, int earlier = 0);
    // The history's ids and pictures from turn `from` on, decoded from their files; nullopt
    // when stopped.
    std::optional<Transcript> replay_history(const ChatRequest& request, int from);
    void pause_for_step(); // the step delay, cut short by a stop
    void begin(quint64 request);
    void end();

    std::shared_ptr<const Model> model_;
    std::unique_ptr<Session> session_;
    Turn last_turn_;
    // Whose turns the session holds: the request's `conversation`, and where each of its turns
    // starts, so that an edited turn or another version rewinds to there and keeps the rest.
    QString session_conversation_;
    std::vector<int> turn_starts_;

    // Stop bookkeeping, shared with the GUI thread. cancel_ is what the engine polls.
    std::mutex stop_mutex_;
    quint64 running_ = 0;
    quint64 stopped_up_to_ = 0; // every request id <= this is stopped
    std::atomic<bool> cancel_{false};
    std::atomic<int> step_delay_ms_{0};
};

} // namespace nanovlm::app
