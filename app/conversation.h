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

#include <vector>

namespace nanovlm::app {

struct ConversationBranch;

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

// A chat is a tree: editing a question or regenerating an answer keeps the earlier version as a
// branch. `Conversation::turns` is the path on screen; each turn holds the versions not shown.
struct ConversationTurn {
    QString question;
    QStringList images; // absolute paths, in the order the model read them
    QDateTime asked;
    AnswerRecord answer;

    // Other versions of this question (edits), each with its answers and the chat after them:
    // a branch's first turn is that version. `question_version` is this version's place among
    // all of them (0 .. question_versions.size()).
    std::vector<ConversationBranch> question_versions;
    int question_version = 0;
    // Other answers to this same question (regenerations), each with the chat after it: a
    // branch's first turn repeats the question with that answer.
    std::vector<ConversationBranch> answer_versions;
    int answer_version = 0;

    int questionVersionCount() const;
    int answerVersionCount() const;
};

// A version of the chat from one turn on, kept while another version is shown.
struct ConversationBranch {
    QList<ConversationTurn> turns;
};

// Defined once ConversationBranch is complete (clang instantiates vector::size() at the inline
// definition, GCC only at its use).
inline int ConversationTurn::questionVersionCount() const {
    return int(question_versions.size()) + 1;
}
inline int ConversationTurn::answerVersionCount() const {
    return int(answer_versions.size()) + 1;
}

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
