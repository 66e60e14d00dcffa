#pragma once

#include "nanovlm/tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nanovlm::server {

// What every object of one completion shares (OpenAI's chat.completion and
// chat.completion.chunk).
struct CompletionHeader {
    std::string id; // chatcmpl-...
    std::string model;
    std::int64_t created = 0; // Unix seconds
};

struct CompletionUsage {
    int prompt_tokens = 0; // image rows included
    int completion_tokens = 0;
};

// Non-streaming answer. token_ids/prompt_ids (when set) follow vLLM's return_token_ids
// extension: choices[0].token_ids and prompt_token_ids.
nlohmann::json completion_json(const CompletionHeader& header, const std::string& text,
                               const std::string& finish_reason, const CompletionUsage& usage,
                               const std::optional<std::vector<TokenId>>& token_ids,
                               const std::optional<std::vector<TokenId>>& prompt_ids);

// Streaming pieces. A chunk's delta: {"role": "assistant", "content": ""} first, then
// {"content": text}; the last chunk has an empty delta and the finish reason.
nlohmann::json chunk_json(const CompletionHeader& header, const nlohmann::json& delta,
                          const std::optional<std::string>& finish_reason);
// stream_options.include_usage: a chunk with no choices and the usage, after the last one.
nlohmann::json usage_chunk_json(const CompletionHeader& header, const CompletionUsage& usage);

// One server-sent event: "data: <json>\n\n".
std::string sse_event(const nlohmann::json& data);
inline constexpr const char* kSseDone = "data: [DONE]\n\n";

} // namespace nanovlm::server
