#include "added_tokens.h"

#include "unicode_classes.h"
#include "utf8.h"

#include <algorithm>

namespace nanovlm {
namespace {

bool is_white_space(char32_t c) {
    return unicode::properties(c).regex_class == unicode::CharClass::Space;
}

// Where the whitespace at the end of `s` begins (the regex \s*$ of added_vocabulary.rs).
std::size_t trailing_space_start(std::string_view s) {
    std::size_t pos = s.size();
    while (pos > 0) {
        std::size_t start = pos - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
            --start; // back to the lead byte of the last character
        }
        std::size_t length = 0;
        if (!is_white_space(utf8::decode(s, start, length))) {
            break;
        }
        pos = start;
    }
    return pos;
}

// Bytes of whitespace at the start of `s` (the regex ^\s*).
std::size_t leading_space_length(std::string_view s) {
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t length = 0;
        if (!is_white_space(utf8::decode(s, pos, length))) {
            break;
        }
        pos += length;
    }
    return pos;
}

} // namespace

void AddedVocabulary::Trie::insert(std::string_view pattern, TokenId id) {
    int node = 0;
    for (char ch : pattern) {
        const auto byte = static_cast<unsigned char>(ch);
        int next = child(node, byte);
        if (next < 0) {
            next = static_cast<int>(nodes_.size());
            nodes_[static_cast<std::size_t>(node)].children.emplace_back(byte, next);
            nodes_.emplace_back();
        }
        node = next;
    }
    nodes_[static_cast<std::size_t>(node)].id = id;
    first_bytes_.set(static_cast<unsigned char>(pattern.front()));
}

int AddedVocabulary::Trie::child(int node, unsigned char byte) const {
    for (const auto& [b, next] : nodes_[static_cast<std::size_t>(node)].children) {
        if (b == byte) {
            return next;
        }
    }
    return -1;
}

bool AddedVocabulary::Trie::find(std::string_view text, std::size_t from, Segment& match) const {
    for (std::size_t start = from; start < text.size(); ++start) {
        if (!first_bytes_.test(static_cast<unsigned char>(text[start]))) {
            continue;
        }
        int node = 0;
        bool found = false;
        for (std::size_t pos = start; pos < text.size(); ++pos) {
            node = child(node, static_cast<unsigned char>(text[pos]));
            if (node < 0) {
                break;
            }
            if (const TokenId id = nodes_[static_cast<std::size_t>(node)].id; id >= 0) {
                match = {start, pos + 1, id};
                found = true;
            }
        }
        if (found) {
            return true;
        }
    }
    return false;
}

void AddedVocabulary::add_tokens(const std::vector<AddedToken>& tokens, const BpeModel& model) {
    const auto model_size = static_cast<TokenId>(model.size());
    TokenId next_id = model_size;
    if (!by_id_.empty() && (max_id() >= model_size || model_size == 0)) {
        next_id = max_id() + 1;
    }
    for (const AddedToken& token : tokens) {
        if (token.content.empty()) {
            continue;
        }
        const auto known = find(token.content);
        if (known && by_id_.at(*known) == token) {
            continue;
        }
        TokenId id = -1;
        if (known) {
            id = *known;
        } else if (const auto in_model = model.token_to_id(token.content)) {
            id = *in_model;
        } else {
            id = next_id++;
        }
        by_content_.insert_or_assign(token.content, id);
        if (token.special) {
            special_.insert(token.content);
        }
        by_id_.insert_or_assign(id, token);
    }
    rebuild_tries();
}

void AddedVocabulary::rebuild_tries() {
    non_normalized_ = Trie{};
    normalized_ = Trie{};
    for (const auto& [id, token] : by_id_) {
        (token.normalized ? normalized_ : non_normalized_).insert(token.content, id);
    }
}

std::optional<TokenId> AddedVocabulary::find(std::string_view content) const {
    const auto it = by_content_.find(content);
    return it == by_content_.end() ? std::nullopt : std::optional<TokenId>(it->second);
}

const AddedToken* AddedVocabulary::token(TokenId id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
}

void AddedVocabulary::split(std::string_view text, std::vector<Segment>& out) const {
    out.clear();
    if (text.empty()) {
        return;
    }
    // extract_and_normalize: tokens with normalized == false are found in the whole text, then
    // the others in each stretch of text between those matches.
    std::vector<Segment> first;
    find_matches(text, 0, non_normalized_, first);
    for (const Segment& s : first) {
        if (s.id >= 0) {
            out.push_back(s);
        } else {
            find_matches(text.substr(s.begin, s.end - s.begin), s.begin, normalized_, out);
        }
    }
}

void AddedVocabulary::find_matches(std::string_view sentence, std::size_t base, const Trie& trie,
                                   std::vector<Segment>& out) const {
    if (trie.empty()) {
        if (!sentence.empty()) {
            out.push_back({base, base + sentence.size(), -1});
        }
        return;
    }
    std::size_t start_offset = 0;
    Segment match{};
    for (std::size_t from = 0; trie.find(sentence, from, match); from = match.end) {
        std::size_t start = match.begin;
        std::size_t stop = match.end;
        const AddedToken& token = by_id_.at(match.id);
        if (token.lstrip) {
            // Whitespace an earlier match already took stays with it.
            start = std::max(trailing_space_start(sentence.substr(0, start)), start_offset);
        }
        if (token.rstrip) {
            stop += leading_space_length(sentence.substr(stop));
        }
        if (start_offset < start) {
            out.push_back({base + start_offset, base + start, -1});
        }
        out.push_back({base + start, base + stop, match.id});
        start_offset = stop;
    }
    if (start_offset != sentence.size()) {
        out.push_back({base + start_offset, base + sentence.size(), -1});
    }
}

} // namespace nanovlm
