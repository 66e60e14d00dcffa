#pragma once

#include "chat_request.h"

#include "nanovlm/nanovlm.h"

#include <vector>

namespace nanovlm::server {

// A conversation as the ids and pictures one Session reads before answering.
struct ChatPrompt {
    std::vector<TokenId> ids;
    std::vector<PreprocessedImage> images; // in the order their placeholders appear
};

// Writes the messages the way the chat app writes a conversation: each user turn through
// PromptBuilder (a follow-up after the first), each assistant answer as its tokens closed by the
// end-of-answer id. nanoVLM has no system role, so system text opens the next user turn.
// Consecutive user messages form one turn. Throws ApiError (400) for a conversation that does
// not end with a user message, an assistant message before any user one, or a picture that
// cannot be decoded; engine Errors (a picture too large to preprocess) become 400s too.
ChatPrompt build_chat_prompt(const Model& model, const std::vector<ChatMessage>& messages);

} // namespace nanovlm::server
