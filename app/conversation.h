#pragma once

// One saved chat as the app holds it in memory: the questions, the pictures they showed, and
// each answer with what produced it (model, sampling settings). ConversationStore writes it as
// JSON (conversation_json.h); ChatController keeps the open chat's copy so that the worker can
// rebuild the chat's transcript when it has no live session for it.

#include "nanovlm/generation.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace nanovlm::app {

struct AnswerRecord {
    enum class State {
        Streaming,   // still being written (on disk: the app stopped before it ended)
        Done,        // the model ended its answer
        Stopped,     // the user stopped it
        Truncated,   // the answer-length limit cut it
        ContextFull, // the conversation filled the model's context
        Interrupted, // the app ended (crash, kill) while it was being written
        Failed,      // the engine reported an error instead of an answer (`error`)
    };
    State state = State::Streaming;
    QString text;
    QString error;
    // The sampled ids, the end-of-answer id included when reached: a reopened chat's follow-up
    // rebuilds the exact transcript from them (re-tokenizing the text need not give them back).
    QList<qint32> ids;
    // False when the question was never read (stopped while its images were encoded); the
    // transcript then skips the turn, as the live session did.
    bool prompt_read = false;

    QString model_name;
    QString model_directory;
    QString model_generation;
    GenerationOptions generation;
    int image_detail = 0;

    double ttft_ms = -1;
    double tokens_per_s = 0;
    QDateTime finished;
};

struct ConversationTurn {
    QString question;
    QStringList images; // absolute paths, in the order the model read them
    QDateTime asked;
    AnswerRecord answer;
};

struct Conversation {
    QString id; // also the file name: chats/<id>.json
    QString title;
    bool custom_title = false; // renamed by the user; otherwise the first question
    QDateTime created;
    QDateTime updated;
    QList<ConversationTurn> turns;

    bool empty() const { return turns.isEmpty(); }
};

// A title from a first question: its first line, cut at a word near 60 characters.
QString title_from_question(const QString& question);

} // namespace nanovlm::app

Q_DECLARE_METATYPE(nanovlm::app::ConversationTurn)
