#pragma once

#include <cstddef>
#include <vector>

namespace nanovlm {

// Keys and values of every LM block, sized once for the whole context. Layout
// [block][kv_head][position][head_dim], so one head's history is one sequential read.
class KvCache {
public:
    KvCache(int blocks, int kv_heads, int head_dim, int max_positions)
        : kv_heads_(kv_heads), head_dim_(head_dim), max_positions_(max_positions),
          keys_(std::size_t(blocks) * kv_heads * max_positions * head_dim), values_(keys_.size()) {}

    float* key(int block, int head, int position) {
        return keys_.data() + offset(block, head, position);
    }
    float* value(int block, int head, int position) {
        return values_.data() + offset(block, head, position);
    }
    int max_positions() const { return max_positions_; }
    std::size_t bytes() const { return (keys_.size() + values_.size()) * sizeof(float); }

private:
    std::size_t offset(int block, int head, int position) const {
        return ((std::size_t(block) * kv_heads_ + head) * max_positions_ + position) * head_dim_;
    }

    int kv_heads_;
    int head_dim_;
    int max_positions_;
    std::vector<float> keys_;
    std::vector<float> values_;
};

} // namespace nanovlm
