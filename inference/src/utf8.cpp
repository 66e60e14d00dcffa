#include "utf8.h"

namespace nanovlm::utf8 {
namespace {

enum class Kind { Valid, Invalid, Truncated };

struct Scan {
    Kind kind;
    std::size_t length; // bytes that belong to this sequence (the maximal subpart if not Valid)
};

// Reads the sequence at s[pos] the way Rust's Utf8Chunks does: byte by byte against the ranges
// of Unicode Table 3-7, stopping at the first byte that cannot continue it. Those stops define
// the "maximal subparts" that from_utf8_lossy replaces with one U+FFFD each.
Scan scan(std::string_view s, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(s[pos]);
    if (lead < 0x80) {
        return {Kind::Valid, 1};
    }
    std::size_t need = 0;
    unsigned char lo = 0x80; // allowed range of the second byte; later bytes are all 80..BF
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 2;
    } else if (lead == 0xE0) {
        need = 3;
        lo = 0xA0; // no overlongs
    } else if (lead >= 0xE1 && lead <= 0xEC) {
        need = 3;
    } else if (lead == 0xED) {
        need = 3;
        hi = 0x9F; // no surrogates
    } else if (lead >= 0xEE && lead <= 0xEF) {
        need = 3;
    } else if (lead == 0xF0) {
        need = 4;
        lo = 0x90; // no overlongs
    } else if (lead >= 0xF1 && lead <= 0xF3) {
        need = 4;
    } else if (lead == 0xF4) {
        need = 4;
        hi = 0x8F; // nothing above U+10FFFF
    } else {
        return {Kind::Invalid, 1}; // 80..C1, F5..FF never start a sequence
    }
    std::size_t n = 1;
    for (; n < need; ++n) {
        if (pos + n >= s.size()) {
            return {Kind::Truncated, n};
        }
        const auto b = static_cast<unsigned char>(s[pos + n]);
        if (b < lo || b > hi) {
            return {Kind::Invalid, n};
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return {Kind::Valid, n};
}

} // namespace

bool is_valid(std::string_view s) {
    std::size_t pos = 0;
    while (pos < s.size()) {
        if (static_cast<unsigned char>(s[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const Scan r = scan(s, pos);
        if (r.kind != Kind::Valid) {
            return false;
        }
        pos += r.length;
    }
    return true;
}

std::string to_valid_lossy(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t pos = 0;
    while (pos < s.size()) {
        const Scan r = scan(s, pos);
        if (r.kind == Kind::Valid) {
            out.append(s.substr(pos, r.length));
        } else {
            out.append("\xEF\xBF\xBD"); // U+FFFD
        }
        pos += r.length;
    }
    return out;
}

std::size_t incomplete_tail_length(std::string_view s) {
    // A truncated sequence starts with a lead byte, which can never continue an earlier one, so
    // the forward scan reaches it as a sequence start: checking the last 3 bytes suffices.
    for (std::size_t k = 1; k <= 3 && k <= s.size(); ++k) {
        const Scan r = scan(s, s.size() - k);
        if (r.kind == Kind::Truncated) {
            return k;
        }
    }
    return 0;
}

char32_t decode(std::string_view s, std::size_t pos, std::size_t& length) {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    if (b0 < 0x80) {
        length = 1;
        return b0;
    }
    auto cont = [&](std::size_t i) { return static_cast<char32_t>(s[pos + i] & 0x3F); };
    if (b0 < 0xE0) {
        length = 2;
        return (static_cast<char32_t>(b0 & 0x1F) << 6) | cont(1);
    }
    if (b0 < 0xF0) {
        length = 3;
        return (static_cast<char32_t>(b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2);
    }
    length = 4;
    return (static_cast<char32_t>(b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
}

void append(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

} // namespace nanovlm::utf8
