#include "unicode_classes.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace nanovlm::unicode {
namespace {

constexpr std::uint32_t kClassMask = 3;  // CharClass in the low bits of a table entry
constexpr std::uint32_t kNumericBit = 4; // then char::is_numeric
constexpr int kClassBits = 3;

// Runs of equal class over U+0000..U+10FFFF: (first scalar value << 3) | class bits.
constexpr std::uint32_t kRuns[] = {
#include "unicode_class_table.inc"
};

CharProperties unpack(std::uint32_t bits) {
    return {static_cast<CharClass>(bits & kClassMask), (bits & kNumericBit) != 0};
}

// Latin-1 is most of what any prompt holds: answer it without a search.
const std::array<CharProperties, 256> kLatin1 = [] {
    std::array<CharProperties, 256> table{};
    std::size_t run = 0;
    for (std::uint32_t c = 0; c < 256; ++c) {
        while (run + 1 < std::size(kRuns) && (kRuns[run + 1] >> kClassBits) <= c) {
            ++run;
        }
        table[c] = unpack(kRuns[run]);
    }
    return table;
}();

} // namespace

CharProperties properties(char32_t c) {
    if (c < 256) {
        return kLatin1[c];
    }
    // The last run starting at or before c.
    const std::uint32_t key = (static_cast<std::uint32_t>(c) << kClassBits) | 7u;
    const auto* it = std::upper_bound(std::begin(kRuns), std::end(kRuns), key);
    return unpack(*(it - 1));
}

} // namespace nanovlm::unicode
