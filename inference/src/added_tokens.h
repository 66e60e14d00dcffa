#pragma once

#include "bpe.h"
#include "nanovlm/tokenizer.h"

#include <bitset>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nanovlm {

// One entry of tokenizer.json's added_tokens (tokenizers/src/tokenizer/added_vocabulary.rs).
struct AddedToken {
    std::string content;
    bool single_word = false; // not supported: rejected when the file is read
    bool lstrip = false;      // the match takes the whitespace on its left
    bool rstrip = false;      // the match takes the whitespace on its right
    bool normalized = true;   // matched in the second pass (there is no normalizer to apply)
    bool special = false;     // dropped by decode(skip_special_tokens)

    bool operator==(const AddedToken&) const = default;
};

// Tokens matched in the raw text before pre-tokenization, such as <|im_start|> and <|image|>.
class AddedVocabulary {
public:
    // A stretch of the input: an added token (id >= 0) or ordinary text (id < 0).
    struct Segment {
        std::size_t begin;
        std::size_t end;
        TokenId id;
    };

    // AddedVocabulary::add_tokens, one batch: a token already known (added or in the model)
    // keeps its id; the others get ids from the model's size (or past the largest added id)
    // upwards, in order.
    void add_tokens(const std::vector<AddedToken>& tokens, const BpeModel& model);

    // Splits `text` (valid UTF-8) into segments that tile it, empty ones left out.
    void split(std::string_view text, std::vector<Segment>& out) const;

    std::optional<TokenId> find(std::string_view content) const;
    // The added token with this id, or nullptr.
    const AddedToken* token(TokenId id) const;
    bool is_special(std::string_view content) const { return special_.contains(content); }
    // The largest added id, or -1 if there are none.
    TokenId max_id() const { return by_id_.empty() ? -1 : by_id_.rbegin()->first; }

private:
    // A byte trie answering leftmost-longest matches, as the Aho-Corasick automaton of
    // added_vocabulary.rs (MatchKind::LeftmostLongest) does.
    class Trie {
    public:
        void insert(std::string_view pattern, TokenId id);
        bool empty() const { return nodes_.size() <= 1; }
        // The leftmost match at or after `from`, the longest among those starting there.
        bool find(std::string_view text, std::size_t from, Segment& match) const;

    private:
        struct Node {
            std::vector<std::pair<unsigned char, int>> children;
            TokenId id = -1;
        };
        int child(int node, unsigned char byte) const;
        std::vector<Node> nodes_{Node{}};
        std::bitset<256> first_bytes_;
    };

    // find_matches over one trie: appends the segments of `sentence`, which starts at byte
    // `base` of the text being split.
    void find_matches(std::string_view sentence, std::size_t base, const Trie& trie,
                      std::vector<Segment>& out) const;
    void rebuild_tries();

    // Heterogeneous lookup: a std::string key found from a std::string_view, without a copy.
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> by_content_;
    std::map<TokenId, AddedToken> by_id_;
    std::unordered_set<std::string, StringHash, std::equal_to<>> special_;
    Trie non_normalized_; // matched first, on the whole text
    Trie normalized_;     // then on the text between those matches
};

} // namespace nanovlm
