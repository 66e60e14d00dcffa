#pragma once

#include "kv_cache.h"
#include "weights.h"

#include <vector>

namespace nanovlm {

struct ModelConfig;
class ThreadPool;

// nanoVLM's decoder (models/language_model.py, SmolLM2/Llama): RMSNorm, rotary embeddings
// (rotate-half), grouped-query attention with a KV cache, SwiGLU MLP, final RMSNorm and the head
// tied to the token embedding. All buffers are sized at construction for `max_positions` of
// context and prefill chunks of up to `max_chunk` positions; forward() allocates nothing.
class LanguageModel {
public:
    LanguageModel(const ModelConfig& config, const LanguageWeights& weights, int max_positions,
                  int max_chunk, int threads);

    // Copies the token embedding row of `id` into out[H].
    void embed(int id, float* out) const;

    // Runs `count` input embeddings [count, H] at positions [start, start + count) through the
    // model, filling the KV cache, and writes the logits of the last position to `logits` [V]
    // (skipped when null: an earlier chunk of a longer read).
    void forward(const float* embeddings, int count, int start, float* logits, ThreadPool& pool);

    int max_positions() const { return cache_.max_positions(); }
    int max_chunk() const { return max_chunk_; }
    std::size_t buffer_bytes() const;

private:
    void forward_chunk(const float* embeddings, int count, int start, ThreadPool& pool);
    void apply_rope(float* x, int count, int heads, int start, ThreadPool& pool);
    void attention(int block, int count, int start, ThreadPool& pool);

    const ModelConfig& config_;
    const LanguageWeights& weights_;
    int max_chunk_;
    int head_dim_;
    int kv_dim_;
    KvCache cache_;
    std::vector<float> cos_; // [max_positions, head_dim / 2]
    std::vector<float> sin_;
    std::vector<float> x_;            // [chunk, H] residual stream
    std::vector<float> norm_;         // [chunk, H]
    std::vector<float> q_;            // [chunk, H]
    std::vector<float> k_;            // [chunk, kv_dim]
    std::vector<float> v_;            // [chunk, kv_dim]
    std::vector<float> attn_;         // [chunk, H]
    std::vector<float> proj_;         // [chunk, H]
    std::vector<float> gate_;         // [chunk, I]
    std::vector<float> up_;           // [chunk, I]
    std::vector<float> scores_;       // [threads, max_positions] decoding
    std::vector<float> chunk_scores_; // [threads, chunk, max_positions] prefill, a head a thread
    std::vector<float> last_;         // [H] final-normed last position
};

} // namespace nanovlm
