#pragma once

#include <cstdint>

// The character classes the tokenizer's pre-tokenizers split on, exactly as Hugging Face
// `tokenizers` 0.23 sees them (see tests/tools/gen_unicode_class_table.js for why a table
// probed from the library rather than the C++ or ICU Unicode tables).
namespace nanovlm::unicode {

// The class of the GPT-2 split regex: \p{L}, \p{N}, \s, or anything else.
enum class CharClass : std::uint8_t { Other = 0, Letter = 1, Number = 2, Space = 3 };

struct CharProperties {
    CharClass regex_class; // Oniguruma, Unicode 16.0 (\s is White_Space)
    bool numeric;          // Rust's char::is_numeric (Nd, Nl, No), used by Digits
};

CharProperties properties(char32_t c);

} // namespace nanovlm::unicode
