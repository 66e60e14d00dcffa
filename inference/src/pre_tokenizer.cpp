#include "pre_tokenizer.h"

#include "unicode_classes.h"
#include "utf8.h"

namespace nanovlm {
namespace {

using unicode::CharClass;

struct Char {
    std::size_t length; // bytes
    unicode::CharProperties props;
};

Char char_at(std::string_view text, std::size_t pos) {
    std::size_t length = 0;
    const char32_t c = utf8::decode(text, pos, length);
    return {length, unicode::properties(c)};
}

// End of the run of characters of class `cls` starting at `pos` (which may be text.size()).
std::size_t class_run_end(std::string_view text, std::size_t pos, CharClass cls) {
    while (pos < text.size()) {
        const Char c = char_at(text, pos);
        if (c.props.regex_class != cls) {
            break;
        }
        pos += c.length;
    }
    return pos;
}

} // namespace

std::size_t PreTokenizer::digits_piece_end(std::string_view text, std::size_t pos,
                                           bool individual) {
    const Char first = char_at(text, pos);
    if (first.props.numeric && individual) {
        return pos + first.length;
    }
    std::size_t end = pos + first.length;
    while (end < text.size()) {
        const Char c = char_at(text, end);
        if (c.props.numeric != first.props.numeric) {
            break;
        }
        end += c.length;
    }
    return end;
}

std::size_t PreTokenizer::gpt2_match_end(std::string_view text, std::size_t pos) {
    // 's|'t|'re|'ve|'m|'ll|'d: case-sensitive, and none is a prefix of another.
    if (text[pos] == '\'') {
        const std::string_view rest = text.substr(pos + 1);
        for (std::string_view suffix : {"s", "t", "re", "ve", "m", "ll", "d"}) {
            if (rest.substr(0, suffix.size()) == suffix) {
                return pos + 1 + suffix.size();
            }
        }
    }
    const Char first = char_at(text, pos);
    // ` ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+`: an optional U+0020 and then a run of one class.
    // A space followed by a non-space takes the run after it; a space followed by a space or
    // the end falls through to the whitespace alternatives.
    if (text[pos] == ' ' && pos + 1 < text.size()) {
        const CharClass next = char_at(text, pos + 1).props.regex_class;
        if (next != CharClass::Space) {
            return class_run_end(text, pos + 1, next);
        }
    }
    if (first.props.regex_class != CharClass::Space) {
        return class_run_end(text, pos, first.props.regex_class);
    }
    // `\s+(?!\S)`: the whitespace run, backtracking by one character when a non-space follows
    // (that character then starts the next match, e.g. " world"); `\s+` when the run is a
    // single character followed by a non-space.
    std::size_t last = pos; // start of the run's last character
    std::size_t end = pos;
    while (end < text.size()) {
        const Char c = char_at(text, end);
        if (c.props.regex_class != CharClass::Space) {
            break;
        }
        last = end;
        end += c.length;
    }
    if (end == text.size() || last == pos) {
        return end;
    }
    return last;
}

} // namespace nanovlm
