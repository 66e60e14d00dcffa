#include "vocabulary.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace nanovlm {

Vocabulary::Vocabulary(const std::vector<std::pair<std::string, TokenId>>& entries) {
    TokenId max_id = -1;
    std::size_t bytes = 0;
    for (const auto& [token, id] : entries) {
        max_id = std::max(max_id, id);
        bytes += token.size();
    }
    text_.reserve(bytes);
    spans_.assign(static_cast<std::size_t>(max_id + 1), Span{0, kAbsent});
    slots_.assign(std::bit_ceil(std::max<std::size_t>(16, 2 * entries.size())),
                  Slot{0, -1, Span{0, 0}});

    for (const auto& [token, id] : entries) {
        const std::size_t hash = std::hash<std::string_view>{}(token);
        Slot& slot = slots_[slot_of(token, hash)];
        if (slot.id < 0) {
            slot = {static_cast<std::uint32_t>(hash), id,
                    Span{static_cast<std::uint32_t>(text_.size()),
                         static_cast<std::uint32_t>(token.size())}};
            text_ += token;
            ++size_;
        } else if (Span& old = spans_[static_cast<std::size_t>(slot.id)];
                   old.begin == slot.text.begin && old.length == slot.text.length) {
            old.length = kAbsent; // the old id loses its token
        }
        slot.id = id;
        spans_[static_cast<std::size_t>(id)] = slot.text;
    }
}

std::size_t Vocabulary::slot_of(std::string_view token, std::size_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& slot = slots_[i];
        if (slot.id < 0 ||
            (slot.hash == static_cast<std::uint32_t>(hash) && text_of(slot.text) == token)) {
            return i;
        }
    }
}

std::optional<TokenId> Vocabulary::find(std::string_view token) const {
    const TokenId id = slots_[slot_of(token, std::hash<std::string_view>{}(token))].id;
    return id < 0 ? std::nullopt : std::optional<TokenId>(id);
}

std::optional<std::string_view> Vocabulary::token(TokenId id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= spans_.size() ||
        spans_[static_cast<std::size_t>(id)].length == kAbsent) {
        return std::nullopt;
    }
    return text_of(spans_[static_cast<std::size_t>(id)]);
}

} // namespace nanovlm
