#pragma once

#include <cstddef>
#include <memory>

namespace nanovlm {

// Keys and values of every LM block, sized once for the whole context. Layout
// [block][kv_head][position][head_dim], so one head's history is one sequential read.
// Not zero-filled: a position is written before it is read, and the pages of a long context cost
// no memory until the conversation reaches them.
class KvCache {
public:
    KvCache(int blocks, int kv_heads, int head_dim, int max_positions)
        : kv_heads_(kv_heads), head_dim_(head_dim), max_positions_(max_positions),
          floats_(std::size_t(blocks) * kv_heads * max_positions * head_dim),
          keys_(std::make_unique_for_overwrite<float[]>(floats_)),
          values_(std::make_unique_for_overwrite<float[]>(floats_)) {}

    float* key(int block, int head, int position) {
        return keys_.get() + offset(block, head, position);
    }
    float* value(int block, int head, int position) {
        return values_.get() + offset(block, head, position);
    }
    int max_positions() const { return max_positions_; }
    std::size_t bytes() const { return 2 * floats_ * sizeof(float); }

private:
    std::size_t offset(int block, int head, int position) const {
        return ((std::size_t(block) * kv_heads_ + head) * max_positions_ + position) * head_dim_;
    }

    int kv_heads_;
    int head_dim_;
    int max_positions_;
    std::size_t floats_;
    std::unique_ptr<float[]> keys_;
    std::unique_ptr<float[]> values_;
};

} // namespace nanovlm
