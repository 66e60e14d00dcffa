#pragma once

#include "conversation.h"

#include <QByteArray>
#include <QDir>

#include <optional>

namespace nanovlm::app {

// The chat file format. Version 2:
//   {"schema": 2, "id", "title", "customTitle", "created", "updated",
//    "turns": [{"question", "images": ["<sha256>.<ext>", ...], "asked",
//               "questionVersions": [[turn, ...], ...], "questionVersion",
//               "answerVersions": [[turn, ...], ...], "answerVersion",
//               "answer": {"state", "text", "error", "ids", "promptRead",
//                          "model": {"name", "directory", "generation"},
//                          "sampling": {"greedy", "temperature", "topK", "topP", "seed",
//                                       "maxNewTokens"},
//                          "imageDetail", "ttftMs", "tokensPerSecond", "finished"}}]}
// Image names are relative to the image store, so the chats folder can be moved whole. The
// seed is a decimal string: JSON numbers lose 64-bit integers. "turns" is the path shown; the
// versions not shown (conversation_branches.h) are turn lists of the same shape inside the turn
// where they branch off. Version 1 had no versions; it is read as a chat without branches.
inline constexpr int kConversationSchema = 2;

QByteArray conversation_to_json(const Conversation& conversation, const QDir& images);

// Reads a chat file. Every field is type-checked and every image must exist in `images`; on
// any problem returns nullopt and a message naming the field ("turns[1].answer.ids: expected an
// array of integers"). An answer saved while it was still streaming comes back Interrupted.
std::optional<Conversation> conversation_from_json(const QByteArray& json, const QDir& images,
                                                   QString* error);

} // namespace nanovlm::app
