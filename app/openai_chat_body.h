#pragma once

#include "chat_types.h"

#include <QByteArray>
#include <QString>

namespace nanovlm::app {

// The longest side of a picture sent to a server; larger ones are scaled down (every nanoVLM
// checkpoint reads far less, and a server bounds its request bodies).
inline constexpr int kMaxSentImageSide = 2048;

// The POST /chat/completions body for `request`: the chat so far as OpenAI messages (each
// earlier turn's question with its pictures, then its answer; unanswered turns left out), the
// new question last, pictures as data:image/png;base64 URLs, streamed. Sampling as the
// settings say (temperature 0 when greedy). Throws nanovlm::Error when an earlier picture can no
// longer be read.
QByteArray openai_chat_body(const ChatRequest& request, const QString& model);

} // namespace nanovlm::app
