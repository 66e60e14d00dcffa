#include "completion_json.h"

namespace nanovlm::server {
namespace {

using json = nlohmann::json;

json usage_json(const CompletionUsage& usage) {
    return {{"prompt_tokens", usage.prompt_tokens},
            {"completion_tokens", usage.completion_tokens},
            {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

json base(const CompletionHeader& header, const char* object) {
    return {{"id", header.id},
            {"object", object},
            {"created", header.created},
            {"model", header.model},
            {"system_fingerprint", nullptr}};
}

} // namespace

json completion_json(const CompletionHeader& header, const std::string& text,
                     const std::string& finish_reason, const CompletionUsage& usage,
                     const std::optional<std::vector<TokenId>>& token_ids,
                     const std::optional<std::vector<TokenId>>& prompt_ids) {
    json choice = {{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", text}, {"refusal", nullptr}}},
                   {"logprobs", nullptr},
                   {"finish_reason", finish_reason}};
    if (token_ids) {
        choice["token_ids"] = *token_ids;
    }
    json out = base(header, "chat.completion");
    out["choices"] = json::array({choice});
    out["usage"] = usage_json(usage);
    if (prompt_ids) {
        out["prompt_token_ids"] = *prompt_ids;
    }
    return out;
}

json chunk_json(const CompletionHeader& header, const json& delta,
                const std::optional<std::string>& finish_reason) {
    json out = base(header, "chat.completion.chunk");
    out["choices"] =
        json::array({{{"index", 0},
                      {"delta", delta},
                      {"logprobs", nullptr},
                      {"finish_reason", finish_reason ? json(*finish_reason) : json()}}});
    return out;
}

json usage_chunk_json(const CompletionHeader& header, const CompletionUsage& usage) {
    json out = base(header, "chat.completion.chunk");
    out["choices"] = json::array();
    out["usage"] = usage_json(usage);
    return out;
}

std::string sse_event(const json& data) {
    return "data: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

} // namespace nanovlm::server
