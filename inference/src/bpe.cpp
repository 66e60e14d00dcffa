#include "bpe.h"

#include "byte_level.h"
#include "nanovlm/error.h"

#include <algorithm>
#include <bit>

namespace nanovlm {
namespace {

// Ids index flat tables, so a corrupt file must not ask for billions of entries.
constexpr TokenId kMaxId = 1 << 24;

// Min-heap order of Word::merge_all's BinaryHeap<Merge>: lowest rank first, then leftmost.
bool pops_later(const BpeModel::Scratch::Merge& a, const BpeModel::Scratch::Merge& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
}

const std::vector<std::pair<std::string, TokenId>>&
checked_vocab(const std::vector<std::pair<std::string, TokenId>>& vocab,
              const std::string& source) {
    if (vocab.empty()) {
        throw Error(source + ": model.vocab is empty; a BPE tokenizer needs its tokens");
    }
    for (const auto& [token, id] : vocab) {
        if (id < 0 || id >= kMaxId) {
            throw Error(source + ": model.vocab gives \"" + token + "\" the id " +
                        std::to_string(id) + ", outside 0.." + std::to_string(kMaxId - 1));
        }
    }
    return vocab;
}

} // namespace

BpeModel::BpeModel(const std::vector<std::pair<std::string, TokenId>>& vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges, Options options,
                   const std::string& source)
    : vocab_(checked_vocab(vocab, source)), options_(std::move(options)) {
    for (int b = 0; b < 256; ++b) {
        byte_ids_[b] =
            token_to_id(byte_level::byte_char_utf8(static_cast<std::uint8_t>(b))).value_or(-1);
    }

    const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, 2 * merges.size()));
    merges_.assign(capacity, MergeEntry{kEmpty, 0, 0});
    merge_shift_ = 64 - std::countr_zero(capacity);
    std::string joined;
    for (std::size_t i = 0; i < merges.size(); ++i) {
        // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture one.
        const std::string& left = merges[i].first;
        const std::string& right = merges[i].second;
        auto lookup = [&](const std::string& token) {
            const auto id = token_to_id(token);
            if (!id) {
                throw Error(source + ": model.merges entry " + std::to_string(i + 1) + " (\"" +
                            left + " " + right + "\") needs the token \"" + token +
                            "\", which model.vocab does not have");
            }
            return *id;
        };
        const TokenId left_id = lookup(left);
        const TokenId right_id = lookup(right);
        joined = left;
        joined += right;
        // BPE::build: the rank is the merge's index; a repeated pair keeps its last rank.
        insert_merge(left_id, right_id, static_cast<std::uint32_t>(i), lookup(joined));
    }

    if (options_.unk_token) {
        const auto id = token_to_id(*options_.unk_token);
        if (!id) {
            throw Error(source + ": model.unk_token \"" + *options_.unk_token +
                        "\" is not in model.vocab");
        }
        unk_id_ = *id;
    }
}

void BpeModel::insert_merge(TokenId left, TokenId right, std::uint32_t rank, TokenId new_id) {
    const std::uint64_t key =
        (static_cast<std::uint64_t>(left) << 32) | static_cast<std::uint32_t>(right);
    const std::size_t mask = merges_.size() - 1;
    for (std::size_t i = (key * 0x9E3779B97F4A7C15ull) >> merge_shift_;; i = (i + 1) & mask) {
        if (merges_[i].key == kEmpty || merges_[i].key == key) {
            merges_[i] = {key, rank, new_id};
            return;
        }
    }
}

const BpeModel::MergeEntry* BpeModel::find_merge(TokenId left, TokenId right) const {
    const std::uint64_t key =
        (static_cast<std::uint64_t>(left) << 32) | static_cast<std::uint32_t>(right);
    const std::size_t mask = merges_.size() - 1;
    for (std::size_t i = (key * 0x9E3779B97F4A7C15ull) >> merge_shift_;; i = (i + 1) & mask) {
        if (merges_[i].key == key) {
            return &merges_[i];
        }
        if (merges_[i].key == kEmpty) {
            return nullptr;
        }
    }
}

void BpeModel::encode_piece(std::string_view piece, Scratch& scratch,
                            std::vector<TokenId>& out) const {
    if (piece.empty()) {
        return;
    }
    if (options_.ignore_merges) {
        scratch.word.clear();
        for (char b : piece) {
            scratch.word += byte_level::byte_char_utf8(static_cast<std::uint8_t>(b));
        }
        if (const auto id = token_to_id(scratch.word)) {
            out.push_back(*id);
            return;
        }
    }

    // BPE::merge_word: one symbol per byte character; a character the vocabulary lacks becomes
    // unk_token, or is dropped when there is none (its neighbours then become adjacent).
    auto& symbols = scratch.symbols;
    symbols.clear();
    auto add = [&](TokenId id) {
        const int n = static_cast<int>(symbols.size());
        if (n > 0) {
            symbols.back().next = n;
        }
        symbols.push_back({id, n - 1, -1, false});
    };
    bool unk_pending = false;
    for (char b : piece) {
        const TokenId id = byte_ids_[static_cast<std::uint8_t>(b)];
        if (id >= 0) {
            if (unk_pending) {
                add(unk_id_);
                unk_pending = false;
            }
            add(id);
        } else if (unk_id_ >= 0) {
            if (unk_pending && !options_.fuse_unk) {
                add(unk_id_);
            }
            unk_pending = true;
        }
    }
    if (unk_pending) {
        add(unk_id_);
    }

    merge_all(scratch);
    for (const auto& s : symbols) {
        if (!s.removed) {
            out.push_back(s.id);
        }
    }
}

// Word::merge_all, step for step (dropout aside): a heap of candidate merges, lowest rank and
// then leftmost first. An entry is stale when its left symbol is gone or the pair it would
// merge no longer gives the same token; merging queues the new pairs on either side.
void BpeModel::merge_all(Scratch& scratch) const {
    auto& symbols = scratch.symbols;
    auto& queue = scratch.queue;
    queue.clear();
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
        if (const MergeEntry* m = find_merge(symbols[i].id, symbols[i + 1].id)) {
            queue.push_back({m->rank, static_cast<std::uint32_t>(i), m->new_id});
        }
    }
    std::make_heap(queue.begin(), queue.end(), pops_later);
    auto push = [&](std::uint32_t pos, const MergeEntry& m) {
        queue.push_back({m.rank, pos, m.new_id});
        std::push_heap(queue.begin(), queue.end(), pops_later);
    };
    while (!queue.empty()) {
        std::pop_heap(queue.begin(), queue.end(), pops_later);
        const Scratch::Merge top = queue.back();
        queue.pop_back();

        auto& current = symbols[top.pos];
        if (current.removed || current.next < 0) {
            continue;
        }
        const auto right = symbols[static_cast<std::size_t>(current.next)];
        const MergeEntry* m = find_merge(current.id, right.id);
        if (m == nullptr || m->new_id != top.new_id) {
            continue;
        }
        symbols[static_cast<std::size_t>(current.next)].removed = true;
        current.id = top.new_id;
        current.next = right.next;
        if (right.next >= 0) {
            symbols[static_cast<std::size_t>(right.next)].prev = static_cast<int>(top.pos);
        }
        if (current.prev >= 0) {
            const auto prev = static_cast<std::uint32_t>(current.prev);
            if (const MergeEntry* left = find_merge(symbols[prev].id, current.id)) {
                push(prev, *left);
            }
        }
        if (current.next >= 0) {
            if (const MergeEntry* next =
                    find_merge(current.id, symbols[static_cast<std::size_t>(current.next)].id)) {
                push(top.pos, *next);
            }
        }
    }
}

} // namespace nanovlm
