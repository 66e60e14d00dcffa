#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// UTF-8 as Rust's standard library reads it: the tokenizer must turn bytes into text exactly as
// Hugging Face `tokenizers` (Rust) does, including how invalid bytes become U+FFFD.
namespace nanovlm::utf8 {

// Well-formed per Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF.
bool is_valid(std::string_view s);

// String::from_utf8_lossy: each maximal ill-formed subpart becomes one U+FFFD.
std::string to_valid_lossy(std::string_view s);

// Bytes at the end of `s` that begin a well-formed sequence but stop before it completes: the
// part a streaming decoder must hold back because the next bytes may complete it.
std::size_t incomplete_tail_length(std::string_view s);

// The scalar value of the well-formed sequence at s[pos] (the caller knows `s` is valid);
// `length` receives its byte count.
char32_t decode(std::string_view s, std::size_t pos, std::size_t& length);

void append(std::string& out, char32_t c);

} // namespace nanovlm::utf8
