#include "byte_level.h"

#include "utf8.h"

#include <array>

namespace nanovlm::byte_level {
namespace {

struct Tables {
    std::array<char32_t, 256> to_char{};
    std::array<std::int16_t, 0x144> to_byte{}; // byte characters are all below U+0144
    std::array<std::string, 256> utf8;
};

// bytes_to_unicode: '!'..'~', U+00A1..U+00AC and U+00AE..U+00FF stand for themselves; the
// other 68 bytes, in order, take U+0100, U+0101, ...
const Tables kTables = [] {
    Tables t;
    t.to_byte.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
        const bool printable =
            (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        const char32_t c = printable ? static_cast<char32_t>(b) : next++;
        t.to_char[b] = c;
        t.to_byte[c] = static_cast<std::int16_t>(b);
        utf8::append(t.utf8[b], c);
    }
    return t;
}();

} // namespace

char32_t byte_to_char(std::uint8_t b) {
    return kTables.to_char[b];
}

int char_to_byte(char32_t c) {
    return c < kTables.to_byte.size() ? kTables.to_byte[c] : -1;
}

std::string_view byte_char_utf8(std::uint8_t b) {
    return kTables.utf8[b];
}

void append_token_bytes(std::string_view token, std::string& out) {
    const std::size_t start = out.size();
    std::size_t pos = 0;
    while (pos < token.size()) {
        std::size_t length = 0;
        const int b = char_to_byte(utf8::decode(token, pos, length));
        if (b < 0) {
            out.resize(start);
            out.append(token);
            return;
        }
        out.push_back(static_cast<char>(b));
        pos += length;
    }
}

} // namespace nanovlm::byte_level
