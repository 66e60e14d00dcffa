#pragma once

#include "nanovlm/tokenizer.h"
#include "vocabulary.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nanovlm {

// The byte-level BPE model of tokenizer.json (tokenizers/src/models/bpe/{model,word}.rs):
// a vocabulary of byte-level strings and merges applied by rank. Immutable once built.
class BpeModel {
public:
    struct Options {
        // A piece that is itself in the vocabulary is one token, merges or not.
        bool ignore_merges = false;
        // Stands for characters missing from the vocabulary; without it they are dropped.
        std::optional<std::string> unk_token;
        // Consecutive unknown characters give one unk_token.
        bool fuse_unk = false;
    };

    // What one encode call reuses between pieces, so that encoding allocates little.
    struct Scratch {
        struct Symbol {
            TokenId id;
            int prev;
            int next;
            bool removed;
        };
        struct Merge {
            std::uint32_t rank;
            std::uint32_t pos;
            TokenId new_id;
        };
        std::vector<Symbol> symbols;
        std::vector<Merge> queue;
        std::string word;
    };

    // Throws Error naming `source` for an empty vocabulary, a bad id, a malformed merge or one
    // naming a token the vocabulary lacks.
    BpeModel(const std::vector<std::pair<std::string, TokenId>>& vocab,
             const std::vector<std::pair<std::string, std::string>>& merges, Options options,
             const std::string& source);

    // Appends the ids of one pre-tokenized piece, given as raw (not byte-level) bytes.
    void encode_piece(std::string_view piece, Scratch& scratch, std::vector<TokenId>& out) const;

    std::optional<TokenId> token_to_id(std::string_view token) const { return vocab_.find(token); }
    // The token string of `id`, or nullopt if no vocabulary entry has that id.
    std::optional<std::string_view> id_to_token(TokenId id) const { return vocab_.token(id); }
    // Entries in the vocabulary (BPE::get_vocab_size), which is where added tokens start.
    std::size_t size() const { return vocab_.size(); }
    TokenId max_id() const { return vocab_.max_id(); }

private:
    // Merge rank and result for a pair of ids, in an open-addressing table: the lookup in the
    // inner loop of encoding.
    struct MergeEntry {
        std::uint64_t key; // (left << 32) | right; kEmpty when unused
        std::uint32_t rank;
        TokenId new_id;
    };
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
    void insert_merge(TokenId left, TokenId right, std::uint32_t rank, TokenId new_id);
    const MergeEntry* find_merge(TokenId left, TokenId right) const;
    void merge_all(Scratch& scratch) const;

    Vocabulary vocab_;
    std::array<TokenId, 256> byte_ids_{}; // id of each byte's one-character token, or -1
    std::vector<MergeEntry> merges_;
    int merge_shift_ = 64;
    Options options_;
    TokenId unk_id_ = -1;
};

} // namespace nanovlm
