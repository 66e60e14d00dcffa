#pragma once

#include "nanovlm/generation.h"

#include <QByteArray>

#include <optional>
#include <string>
#include <vector>

namespace nanovlm::server {

// One message of a chat completion request, its content parts flattened: the text parts joined
// by newlines, and the pictures' encoded bytes (PNG, JPEG, ...) from their data URLs, in order.
struct ChatMessage {
    enum class Role { System, User, Assistant };
    Role role = Role::User;
    std::string text;
    std::vector<QByteArray> images;
};

// What the server needs of a POST /v1/chat/completions body.
struct ChatCompletionRequest {
    std::string model;
    std::vector<ChatMessage> messages;
    GenerationOptions generation;
    std::vector<std::string> stop;
    bool stream = false;
    bool include_usage = false;    // stream_options.include_usage: a last chunk with usage
    bool return_token_ids = false; // vLLM's extension: the prompt's and the answer's ids too
};

// Limits a request must stay within.
struct RequestLimits {
    int max_images = 16;
    std::size_t max_image_bytes = std::size_t(20) << 20; // one picture, decoded from base64
    int default_max_tokens = 512;
};

// Reads and checks the JSON body; throws ApiError (400) naming the offending field. Defaults
// are `nanovlm generate`'s (temperature 0.5, top_k 50, top_p 0.9); temperature 0 is greedy.
// Beyond OpenAI's fields: top_k, and vLLM's ignore_eos and return_token_ids.
// Image URLs must be data: URLs: the server never fetches anything.
ChatCompletionRequest parse_chat_request(const std::string& body, const RequestLimits& limits);

} // namespace nanovlm::server
