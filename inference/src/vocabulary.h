#pragma once

#include "nanovlm/tokenizer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nanovlm {

// Token string <-> id for a BPE vocabulary: the strings back to back in one buffer, found
// through an open-addressing table. Loading looks up every merge's three tokens (~150k
// lookups); with a node-based std::unordered_map those lookups were 40% of the load time.
class Vocabulary {
public:
    // Entries as tokenizer.json lists them; a repeated token keeps its last id, as serde's
    // HashMap does. Ids must be below 2^24 (checked by the caller).
    explicit Vocabulary(const std::vector<std::pair<std::string, TokenId>>& entries);

    std::optional<TokenId> find(std::string_view token) const;
    // The token with this id, or nullopt when no entry has it.
    std::optional<std::string_view> token(TokenId id) const;
    // Distinct tokens (BPE::get_vocab_size).
    std::size_t size() const { return size_; }
    TokenId max_id() const { return static_cast<TokenId>(spans_.size()) - 1; }

private:
    struct Span {
        std::uint32_t begin;
        std::uint32_t length; // kAbsent when no token has this id
    };
    struct Slot {
        std::uint32_t hash; // low bits of the token's hash, to skip most string compares
        TokenId id;         // -1 for an empty slot
        Span text;
    };
    static constexpr std::uint32_t kAbsent = ~std::uint32_t{0};

    // The slot holding `token`, or the empty slot where it would go.
    std::size_t slot_of(std::string_view token, std::size_t hash) const;
    std::string_view text_of(Span span) const {
        return std::string_view(text_).substr(span.begin, span.length);
    }

    std::string text_;
    std::vector<Span> spans_; // by id
    std::vector<Slot> slots_;
    std::size_t size_ = 0;
};

} // namespace nanovlm
