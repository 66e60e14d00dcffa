#pragma once

#include "chat_types.h"
#include "conversation.h"
#include "conversation_branches.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace nanovlm::app {

class ConversationList;

// Keeps the open chat as a Conversation and saves it: at once when a question is asked and when
// an answer ends, and at most once a second while an answer streams, so that a crash loses no
// earlier turn and at most a second of the answer being written. Without a folder (tests, a
// store that failed) the chat is still kept here: the worker rebuilds transcripts from it.
class ConversationRecorder : public QObject {
    Q_OBJECT

public:
    static constexpr int kStreamingSaveIntervalMs = 1000;

    explicit ConversationRecorder(ConversationList* list, QObject* parent = nullptr);

    const Conversation& conversation() const { return conversation_; }
    // Every turn before the last (the one being answered): what a request's history holds.
    QList<ConversationTurn> earlierTurns() const;

    // A new, empty chat; the old one is saved first if an answer was still streaming.
    void reset();
    void open(const Conversation& conversation);
    // Forgets the chat without saving it (it was deleted).
    void discard();

    // A question with its pictures (files; copied into the image store).
    void ask(const QString& question, const QStringList& image_files);
    // Asks turn `turn` again as `question` (same pictures): that turn and the chat after it are
    // kept as the earlier version, and the edited turn becomes the last. False when out of range.
    bool edit(int turn, const QString& question);
    // The last answer is kept as a version; the last turn waits for a new answer.
    void keepAnswerVersion();
    // Shows another version of a turn's question or answer (conversation_branches.h) and saves.
    bool showVersion(int turn, VersionKind kind, int index);
    // The last question's answer starts (again, for a regenerate).
    void startAnswer(const ChatRequest& request, const ModelSummary& model);
    void appendText(const QString& delta);
    void finish(const AnswerResult& result);
    void fail(const QString& message);
    // The answer ended without a result from the worker (a new chat while it streamed).
    void abandon();

private:
    AnswerRecord* answer();
    void save();
    void on_renamed(const QString& id, const QString& title);

    ConversationList* list_;
    Conversation conversation_;
    QTimer save_timer_; // single shot: the next streaming save
};

} // namespace nanovlm::app
