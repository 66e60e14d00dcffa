#include "chat_request.h"

#include "api_error.h"
#include "data_url.h"

#include <nlohmann/json.hpp>

#include <limits>

namespace nanovlm::server {
namespace {

using json = nlohmann::json;

const char* type_name(const json& value) {
    return value.is_null() ? "null" : value.type_name();
}

[[noreturn]] void wrong_type(const std::string& param, const char* expected, const json& found) {
    throw ApiError::invalid("'" + param + "' must be " + expected + ", got " + type_name(found) +
                                ".",
                            param, "invalid_type");
}

std::optional<double> number_field(const json& body, const char* name, double min, double max) {
    if (!body.contains(name) || body[name].is_null()) {
        return std::nullopt;
    }
    const json& v = body[name];
    if (!v.is_number()) {
        wrong_type(name, "a number", v);
    }
    const double x = v.get<double>();
    if (!(x >= min && x <= max)) {
        throw ApiError::invalid("'" + std::string(name) + "' must be from " + json(min).dump() +
                                    " to " + json(max).dump() + ", got " + v.dump() + ".",
                                name, "invalid_value");
    }
    return x;
}

std::optional<long long> integer_field(const json& body, const char* name, long long min,
                                       long long max) {
    if (!body.contains(name) || body[name].is_null()) {
        return std::nullopt;
    }
    const json& v = body[name];
    if (!v.is_number_integer()) {
        wrong_type(name, "an integer", v);
    }
    const long long x = v.is_number_unsigned() && v.get<unsigned long long>() > (1ULL << 62)
                            ? max
                            : v.get<long long>();
    if (x < min || x > max) {
        throw ApiError::invalid("'" + std::string(name) + "' must be from " + std::to_string(min) +
                                    " to " + std::to_string(max) + ", got " + v.dump() + ".",
                                name, "invalid_value");
    }
    return x;
}

bool bool_field(const json& body, const char* name) {
    if (!body.contains(name) || body[name].is_null()) {
        return false;
    }
    if (!body[name].is_boolean()) {
        wrong_type(name, "a boolean", body[name]);
    }
    return body[name].get<bool>();
}

ChatMessage::Role parse_role(const json& message, const std::string& param) {
    if (!message.contains("role")) {
        throw ApiError::invalid("'" + param + ".role' is required.", param + ".role");
    }
    const json& role = message["role"];
    if (!role.is_string()) {
        wrong_type(param + ".role", "a string", role);
    }
    const std::string name = role.get<std::string>();
    if (name == "system" || name == "developer") {
        return ChatMessage::Role::System;
    }
    if (name == "user") {
        return ChatMessage::Role::User;
    }
    if (name == "assistant") {
        return ChatMessage::Role::Assistant;
    }
    throw ApiError::invalid("'" + param + ".role' must be system, developer, user or assistant, " +
                                "got '" + name + "' (tools are not supported).",
                            param + ".role", "invalid_value");
}

void append_text(std::string& text, const std::string& more) {
    if (!text.empty()) {
        text += '\n';
    }
    text += more;
}

ChatMessage parse_message(const json& message, const std::string& param,
                          const RequestLimits& limits, int& images_left) {
    if (!message.is_object()) {
        wrong_type(param, "an object", message);
    }
    ChatMessage out;
    out.role = parse_role(message, param);
    const std::string content_param = param + ".content";
    if (!message.contains("content") || message["content"].is_null()) {
        throw ApiError::invalid("'" + content_param + "' is required.", content_param);
    }
    const json& content = message["content"];
    if (content.is_string()) {
        out.text = content.get<std::string>();
        return out;
    }
    if (!content.is_array()) {
        wrong_type(content_param, "a string or an array of content parts", content);
    }
    for (std::size_t i = 0; i < content.size(); ++i) {
        const std::string part_param = content_param + "[" + std::to_string(i) + "]";
        const json& part = content[i];
        if (!part.is_object() || !part.contains("type") || !part["type"].is_string()) {
            throw ApiError::invalid("'" + part_param + "' must be an object with a 'type'.",
                                    part_param, "invalid_type");
        }
        const std::string type = part["type"].get<std::string>();
        if (type == "text") {
            if (!part.contains("text") || !part["text"].is_string()) {
                wrong_type(part_param + ".text", "a string",
                           part.contains("text") ? part["text"] : json());
            }
            append_text(out.text, part["text"].get<std::string>());
        } else if (type == "image_url") {
            const std::string url_param = part_param + ".image_url.url";
            if (out.role != ChatMessage::Role::User) {
                throw ApiError::invalid("Only user messages may hold images.", part_param);
            }
            if (!part.contains("image_url") || !part["image_url"].is_object() ||
                !part["image_url"].contains("url") || !part["image_url"]["url"].is_string()) {
                throw ApiError::invalid("'" + part_param +
                                            "' must hold image_url: {url: \"data:image/...\"}.",
                                        url_param, "invalid_type");
            }
            if (--images_left < 0) {
                throw ApiError::invalid("A request may hold at most " +
                                            std::to_string(limits.max_images) + " images.",
                                        part_param, "too_many_images");
            }
            out.images.push_back(decode_image_data_url(part["image_url"]["url"].get<std::string>(),
                                                       limits.max_image_bytes, url_param));
        } else {
            throw ApiError::invalid("'" + part_param + ".type' must be text or image_url, got '" +
                                        type + "'.",
                                    part_param + ".type", "invalid_value");
        }
    }
    return out;
}

std::vector<std::string> parse_stop(const json& body) {
    if (!body.contains("stop") || body["stop"].is_null()) {
        return {};
    }
    const json& stop = body["stop"];
    std::vector<std::string> out;
    if (stop.is_string()) {
        out.push_back(stop.get<std::string>());
    } else if (stop.is_array() && stop.size() <= 4) {
        for (const json& s : stop) {
            if (!s.is_string()) {
                wrong_type("stop", "a string or up to 4 strings", stop);
            }
            out.push_back(s.get<std::string>());
        }
    } else {
        wrong_type("stop", "a string or up to 4 strings", stop);
    }
    std::erase(out, std::string());
    return out;
}

} // namespace

ChatCompletionRequest parse_chat_request(const std::string& body, const RequestLimits& limits) {
    json root;
    try {
        root = json::parse(body);
    } catch (const json::parse_error& e) {
        throw ApiError::invalid(std::string("The request body is not valid JSON: ") + e.what());
    }
    if (!root.is_object()) {
        throw ApiError::invalid("The request body must be a JSON object.");
    }
    ChatCompletionRequest out;
    if (!root.contains("model") || !root["model"].is_string()) {
        wrong_type("model", "a string naming a model of GET /v1/models",
                   root.contains("model") ? root["model"] : json());
    }
    out.model = root["model"].get<std::string>();

    if (!root.contains("messages") || !root["messages"].is_array() || root["messages"].empty()) {
        throw ApiError::invalid("'messages' must be a non-empty array of messages.", "messages",
                                "invalid_type");
    }
    int images_left = limits.max_images;
    for (std::size_t i = 0; i < root["messages"].size(); ++i) {
        out.messages.push_back(parse_message(
            root["messages"][i], "messages[" + std::to_string(i) + "]", limits, images_left));
    }

    integer_field(root, "n", 1, 1); // one choice is all the server writes
    constexpr long long kMaxTokens = std::numeric_limits<int>::max();
    out.generation.max_new_tokens = limits.default_max_tokens;
    if (const auto m = integer_field(root, "max_tokens", 1, kMaxTokens)) {
        out.generation.max_new_tokens = int(*m);
    }
    if (const auto m = integer_field(root, "max_completion_tokens", 1, kMaxTokens)) {
        out.generation.max_new_tokens = int(*m);
    }
    SamplingParams& sampling = out.generation.sampling;
    if (const auto t = number_field(root, "temperature", 0.0, 2.0)) {
        sampling.greedy = *t == 0.0;
        sampling.temperature = float(*t);
    }
    if (const auto p = number_field(root, "top_p", 0.0, 1.0)) {
        if (*p == 0.0) {
            throw ApiError::invalid("'top_p' must be above 0.", "top_p", "invalid_value");
        }
        sampling.top_p = float(*p);
    }
    if (const auto k = integer_field(root, "top_k", 0, std::numeric_limits<int>::max())) {
        sampling.top_k = int(*k);
    }
    if (const auto seed = integer_field(root, "seed", std::numeric_limits<long long>::min(),
                                        std::numeric_limits<long long>::max())) {
        sampling.seed = std::uint64_t(*seed);
    }
    out.stop = parse_stop(root);
    out.stream = bool_field(root, "stream");
    out.return_token_ids = bool_field(root, "return_token_ids");
    if (bool_field(root, "ignore_eos")) { // vLLM's extension: write max_tokens whatever comes
        out.generation.eos_id = std::numeric_limits<TokenId>::max();
    }
    if (root.contains("stream_options") && !root["stream_options"].is_null()) {
        if (!root["stream_options"].is_object()) {
            wrong_type("stream_options", "an object", root["stream_options"]);
        }
        out.include_usage = bool_field(root["stream_options"], "include_usage");
    }
    return out;
}

} // namespace nanovlm::server
