#pragma once

// Parsing JSON read from disk or stdin with a depth limit. nlohmann parses iteratively, but
// copies, compares and dump()s recursively: a value nested 100,000 deep overflows the stack in
// any of those. Every JSON document the engine and the CLI read goes through parse_json_limited.

#include "nanovlm/error.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace nanovlm {

// Far deeper than any file we read needs (config.json: 2, a safetensors header: 3,
// tokenizer.json: about 6), far shallower than what overflows a thread's stack.
constexpr int kMaxJsonDepth = 64;

// Parses `text`; throws Error "<source>: JSON nested deeper than N levels" past max_depth.
// Syntax errors stay nlohmann::json::exception (parse_error): callers word those themselves.
template <class Json = nlohmann::json>
Json parse_json_limited(std::string_view text, const std::string& source,
                        int max_depth = kMaxJsonDepth) {
    return Json::parse(text, [&](int depth, nlohmann::json::parse_event_t event, Json&) {
        if ((event == nlohmann::json::parse_event_t::object_start ||
             event == nlohmann::json::parse_event_t::array_start) &&
            depth >= max_depth) {
            throw Error(source + ": JSON nested deeper than " + std::to_string(max_depth) +
                        " levels (a damaged or hostile file)");
        }
        return true;
    });
}

} // namespace nanovlm
