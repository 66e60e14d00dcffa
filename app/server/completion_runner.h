#pragma once

#include "chat_prompt.h"
#include "chat_request.h"

#include "nanovlm/nanovlm.h"

#include <functional>
#include <string>
#include <vector>

namespace nanovlm::server {

struct CompletionRun {
    std::vector<TokenId> ids;  // every id generated, the end-of-answer id included
    std::string finish_reason; // "stop" (end of answer or a stop string) or "length"
    int prompt_tokens = 0;     // positions read for the prompt, image rows included
    bool cancelled = false;    // the client went away
};

// Answers one prompt on a fresh session. `on_text` gets the answer's text as it grows (never
// half a UTF-8 character, stop strings cut out) and returns false when it can no longer be
// delivered; `gone` is polled between tokens, ViT blocks and prompt chunks. Either ends the
// generation at the next step. Throws nanovlm::Error from the engine.
CompletionRun run_completion(const Model& model, Session& session, const ChatPrompt& prompt,
                             const ChatCompletionRequest& request,
                             const std::function<bool(const std::string&)>& on_text,
                             const std::function<bool()>& gone);

} // namespace nanovlm::server
