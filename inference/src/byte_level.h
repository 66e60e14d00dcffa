#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// GPT-2's byte <-> unicode map (openai/gpt-2 src/encoder.py bytes_to_unicode, and
// tokenizers/src/pre_tokenizers/byte_level.rs bytes_char): byte-level BPE vocabularies spell
// every byte as one printable character, so a space is "Ġ" (U+0120) and a newline "Ċ".
namespace nanovlm::byte_level {

char32_t byte_to_char(std::uint8_t b);

// The byte a character stands for, or -1 if it is not one of the 256 byte characters.
int char_to_byte(char32_t c);

// UTF-8 of byte_to_char(b).
std::string_view byte_char_utf8(std::uint8_t b);

// Appends what the ByteLevel decoder makes of one token (decode_chain in byte_level.rs): the
// bytes its characters stand for when every character is a byte character, else the token's
// own text.
void append_token_bytes(std::string_view token, std::string& out);

} // namespace nanovlm::byte_level
