#include "language_model.h"

#include "kernels.h"
#include "nanovlm/config.h"
#include "thread_pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace nanovlm {

LanguageModel::LanguageModel(const ModelConfig& config, const LanguageWeights& weights,
                             int max_positions, int max_chunk, int threads)
    : config_(config), weights_(weights), max_chunk_(max_chunk), head_dim_(config.lm_head_dim()),
      kv_dim_(config.lm_n_kv_heads * config.lm_head_dim()),
      cache_(config.lm_n_blocks, config.lm_n_kv_heads, config.lm_head_dim(), max_positions) {
    const int half = head_dim_ / 2;
    const std::size_t chunk = std::size_t(max_chunk);
    const int h = config.lm_hidden_dim;
    // RotaryEmbedding.forward: freqs = float(position) · inv_freq, cos/sin of cat(freqs, freqs),
    // times attention_scaling. The context never exceeds lm_max_position_embeddings, so the
    // dynamic rescaling nanoVLM applies beyond it never triggers.
    cos_.resize(std::size_t(max_positions) * half);
    sin_.resize(cos_.size());
    for (int p = 0; p < max_positions; ++p) {
        for (int i = 0; i < half; ++i) {
            const float angle = float(p) * weights.inv_freq[i];
            cos_[std::size_t(p) * half + i] = std::cos(angle) * config.lm_attn_scaling;
            sin_[std::size_t(p) * half + i] = std::sin(angle) * config.lm_attn_scaling;
        }
    }
    x_.resize(chunk * h);
    norm_.resize(chunk * h);
    q_.resize(chunk * h);
    k_.resize(chunk * kv_dim_);
    v_.resize(chunk * kv_dim_);
    attn_.resize(chunk * h);
    proj_.resize(chunk * h);
    gate_.resize(chunk * config.lm_inter_dim);
    up_.resize(chunk * config.lm_inter_dim);
    scores_.resize(std::size_t(std::max(1, threads)) * max_positions);
    chunk_scores_.resize(std::size_t(std::max(1, threads)) * chunk * max_positions);
    last_.resize(h);
}

std::size_t LanguageModel::buffer_bytes() const {
    const std::size_t floats = cos_.size() + sin_.size() + x_.size() + norm_.size() + q_.size() +
                               k_.size() + v_.size() + attn_.size() + proj_.size() + gate_.size() +
                               up_.size() + scores_.size() + chunk_scores_.size() + last_.size();
    return cache_.bytes() + floats * sizeof(float);
}

void LanguageModel::embed(int id, float* out) const {
    const int h = config_.lm_hidden_dim;
    std::memcpy(out, weights_.token_embedding + std::size_t(id) * h, sizeof(float) * h);
}

// apply_rotary_pos_embd: x·cos + rotate_half(x)·sin, rotate_half(x) = cat(-x2, x1).
void LanguageModel::apply_rope(float* x, int count, int heads, int start, ThreadPool& pool) {
    const int half = head_dim_ / 2;
    const int row = heads * head_dim_;
    pool.parallel_for(count, [&](int begin, int end, int) {
        for (int t = begin; t < end; ++t) {
            const float* c = cos_.data() + std::size_t(start + t) * half;
            const float* s = sin_.data() + std::size_t(start + t) * half;
            for (int h = 0; h < heads; ++h) {
                float* v = x + std::size_t(t) * row + h * head_dim_;
                for (int i = 0; i < half; ++i) {
                    const float a = v[i];
                    const float b = v[i + half];
                    v[i] = a * c[i] - b * s[i];
                    v[i + half] = b * c[i] + a * s[i];
                }
            }
        }
    });
}

// LanguageModelGroupedQueryAttention with the cache: query t (at position start + t) attends to
// positions 0 … start + t (the causal mask); kv head j serves query heads j·g … j·g + g − 1.
void LanguageModel::attention(int block, int count, int start, ThreadPool& pool) {
    const int heads = config_.lm_n_heads;
    const int group = heads / config_.lm_n_kv_heads;
    const int h_dim = config_.lm_hidden_dim;
    const float scale = 1.0f / std::sqrt(float(head_dim_));
    const int total = start + count;
    if (count > 1) {
        // Prefill: heads spread over the threads; per head, scores = q·kᵀ as one product over
        // the chunk, masked softmax, · v. One pool round per block instead of three per head.
        pool.parallel_for(heads, [&](int begin, int end, int thread) {
            float* scores =
                chunk_scores_.data() + std::size_t(thread) * max_chunk_ * max_positions();
            for (int h = begin; h < end; ++h) {
                const int kv = h / group;
                kernels::matmul_nt(q_.data() + h * head_dim_, h_dim, cache_.key(block, kv, 0),
                                   head_dim_, scores, total, count, total, head_dim_, scale);
                for (int t = 0; t < count; ++t) {
                    float* row = scores + std::size_t(t) * total;
                    const int visible = start + t + 1;
                    kernels::softmax(row, visible);
                    std::fill(row + visible, row + total, 0.0f);
                }
                kernels::matmul_nn(scores, total, cache_.value(block, kv, 0), head_dim_,
                                   attn_.data() + h * head_dim_, h_dim, count, head_dim_, total);
            }
        });
        return;
    }
    // Decoding: one query per head, a dot product per cached position.
    pool.parallel_for(heads, [&](int begin, int end, int thread) {
        float* scores = scores_.data() + std::size_t(thread) * cache_.max_positions();
        for (int h = begin; h < end; ++h) {
            const int kv = h / group;
            const float* q = q_.data() + h * head_dim_;
            const float* keys = cache_.key(block, kv, 0);
            for (int p = 0; p < total; ++p) {
                const float* k = keys + std::size_t(p) * head_dim_;
                float dot = 0.0f;
                for (int i = 0; i < head_dim_; ++i) {
                    dot += q[i] * k[i];
                }
                scores[p] = dot * scale;
            }
            kernels::softmax(scores, total);
            float* out = attn_.data() + h * head_dim_;
            std::fill(out, out + head_dim_, 0.0f);
            const float* values = cache_.value(block, kv, 0);
            for (int p = 0; p < total; ++p) {
                const float* v = values + std::size_t(p) * head_dim_;
                const float w = scores[p];
                for (int i = 0; i < head_dim_; ++i) {
                    out[i] += w * v[i];
                }
            }
        }
    });
}

void LanguageModel::forward_chunk(const float* embeddings, int count, int start, ThreadPool& pool) {
    const int h = config_.lm_hidden_dim;
    const int inter = config_.lm_inter_dim;
    const int kv_heads = config_.lm_n_kv_heads;
    const float eps = config_.lm_rms_eps;
    std::memcpy(x_.data(), embeddings, sizeof(float) * std::size_t(count) * h);
    for (std::size_t b = 0; b < weights_.blocks.size(); ++b) {
        const LmBlockWeights& w = weights_.blocks[b];
        // x = x + attn(norm1(x))
        kernels::rms_norm(x_.data(), count, h, w.norm1, eps, norm_.data(), pool);
        kernels::linear(w.q, norm_.data(), count, q_.data(), pool);
        kernels::linear(w.k, norm_.data(), count, k_.data(), pool);
        kernels::linear(w.v, norm_.data(), count, v_.data(), pool);
        apply_rope(q_.data(), count, config_.lm_n_heads, start, pool);
        apply_rope(k_.data(), count, kv_heads, start, pool);
        for (int t = 0; t < count; ++t) {
            for (int j = 0; j < kv_heads; ++j) {
                const std::size_t src = std::size_t(t) * kv_dim_ + j * head_dim_;
                std::memcpy(cache_.key(int(b), j, start + t), k_.data() + src,
                            sizeof(float) * head_dim_);
                std::memcpy(cache_.value(int(b), j, start + t), v_.data() + src,
                            sizeof(float) * head_dim_);
            }
        }
        attention(int(b), count, start, pool);
        kernels::linear(w.o, attn_.data(), count, proj_.data(), pool);
        kernels::add(x_.data(), proj_.data(), std::size_t(count) * h);
        // x = x + down(silu(gate(norm2(x))) · up(norm2(x)))
        kernels::rms_norm(x_.data(), count, h, w.norm2, eps, norm_.data(), pool);
        kernels::linear(w.gate, norm_.data(), count, gate_.data(), pool);
        kernels::linear(w.up, norm_.data(), count, up_.data(), pool);
        kernels::silu_mul(gate_.data(), up_.data(), std::size_t(count) * inter, pool);
        kernels::linear(w.down, gate_.data(), count, proj_.data(), pool);
        kernels::add(x_.data(), proj_.data(), std::size_t(count) * h);
    }
}

void LanguageModel::forward(const float* embeddings, int count, int start, float* logits,
                            ThreadPool& pool) {
    const int h = config_.lm_hidden_dim;
    int done = 0;
    while (done < count) {
        const int n = std::min(max_chunk_, count - done);
        forward_chunk(embeddings + std::size_t(done) * h, n, start + done, pool);
        done += n;
    }
    if (logits == nullptr) {
        return;
    }
    // The last chunk's rows are still in x_; the final position is its last row.
    const int last_row = (count - 1) % max_chunk_;
    kernels::rms_norm(x_.data() + std::size_t(last_row) * h, 1, h, weights_.final_norm,
                      config_.lm_rms_eps, last_.data(), pool);
    kernels::linear(weights_.head, last_.data(), 1, logits, pool);
}

} // namespace nanovlm
