#pragma once

// Editing a question or regenerating an answer keeps the version it replaces, as ChatGPT and LM
// Studio do ("‹ 1/2 ›"). These functions change which path of a chat's tree is shown
// (`Conversation::turns`); the versions not shown stay inside the turns where they branch off.

#include "conversation.h"

namespace nanovlm::app {

enum class VersionKind {
    Question, // edits of a question: each with its own answers and the chat after them
    Answer,   // regenerations of an answer to one question: each with the chat after it
};

// Keeps turns[turn] and every turn after it as a version of that question, and puts `edited`
// in its place as the last turn (with no answer yet); it becomes the last version. False when
// `turn` is out of range.
bool add_question_version(QList<ConversationTurn>& turns, int turn, ConversationTurn edited);

// Keeps the answer of turns[turn] and every turn after it as a version of that answer, and
// leaves turns[turn] as the last turn with an empty answer (the last version). False when `turn`
// is out of range.
bool add_answer_version(QList<ConversationTurn>& turns, int turn);

// Shows version `index` (0-based) of turns[turn]'s question or answer: the turns after it
// become that version's continuation. False (nothing changes) when out of range.
bool show_version(QList<ConversationTurn>& turns, int turn, VersionKind kind, int index);

} // namespace nanovlm::app
