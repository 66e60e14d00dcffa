#include "vision_encoder.h"

#include "kernels.h"
#include "nanovlm/config.h"
#include "thread_pool.h"

#include <cmath>

namespace nanovlm {

VisionEncoder::VisionEncoder(const ModelConfig& config, const VisionWeights& weights)
    : config_(config), weights_(weights), patches_(config.vit_num_patches()),
      dim_(config.vit_hidden_dim) {
    const std::size_t n = std::size_t(patches_);
    const int p = config.vit_patch_size;
    patches_buf_.resize(n * 3 * p * p);
    norm_.resize(n * dim_);
    qkv_.resize(n * 3 * dim_);
    scores_.resize(n * n);
    attn_.resize(n * dim_);
    mlp_.resize(n * config.vit_inter_dim);
    proj_.resize(n * dim_);
}

// ViTPatchEmbeddings: Conv2d(3, D, kernel=P, stride=P) as one matrix product over the im2col
// rows (c, ky, kx order, which is the conv weight's layout), then flatten(2).transpose(1, 2)
// gives patch index py·(S/P) + px; then + position_embedding.
void VisionEncoder::patch_embed(const float* tile, float* x, ThreadPool& pool) {
    const int p = config_.vit_patch_size;
    const int side = config_.vit_img_size;
    const int per_side = config_.vit_patches_per_side();
    const int row_len = 3 * p * p;
    for (int py = 0; py < per_side; ++py) {
        for (int px = 0; px < per_side; ++px) {
            float* row = patches_buf_.data() + std::size_t(py * per_side + px) * row_len;
            for (int c = 0; c < 3; ++c) {
                for (int ky = 0; ky < p; ++ky) {
                    const float* src =
                        tile + (std::size_t(c) * side + py * p + ky) * side + std::size_t(px) * p;
                    std::copy(src, src + p, row + (c * p + ky) * p);
                }
            }
        }
    }
    const Linear conv{weights_.patch_weight, weights_.patch_bias, dim_, row_len};
    kernels::linear(conv, patches_buf_.data(), patches_, x, pool);
    kernels::add(x, weights_.position_embedding, std::size_t(patches_) * dim_);
}

// ViTMultiHeadAttention: softmax(q kᵀ / √hd) v per head, bidirectional.
void VisionEncoder::attention(const VitBlockWeights& w, ThreadPool& pool) {
    const int heads = config_.vit_n_heads;
    const int hd = config_.vit_head_dim();
    const int n = patches_;
    const int stride = 3 * dim_;
    kernels::linear(w.qkv, norm_.data(), n, qkv_.data(), pool);
    const float scale = 1.0f / std::sqrt(float(hd));
    for (int h = 0; h < heads; ++h) {
        const float* q = qkv_.data() + h * hd;
        const float* k = qkv_.data() + dim_ + h * hd;
        const float* v = qkv_.data() + 2 * dim_ + h * hd;
        kernels::matmul_nt(q, stride, k, stride, scores_.data(), n, n, n, hd, scale, pool);
        pool.parallel_for(n, [&](int begin, int end, int) {
            for (int r = begin; r < end; ++r) {
                kernels::softmax(scores_.data() + std::size_t(r) * n, n);
            }
        });
        kernels::matmul_nn(scores_.data(), n, v, stride, attn_.data() + h * hd, dim_, n, hd, n,
                           pool);
    }
}

bool VisionEncoder::encode(const float* tile, float* out, ThreadPool& pool,
                           const std::atomic<bool>* cancel) {
    const std::size_t size = std::size_t(patches_) * dim_;
    float* x = out;
    patch_embed(tile, x, pool);
    for (const VitBlockWeights& w : weights_.blocks) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
            return false;
        }
        // x = x + attn(ln1(x))
        kernels::layer_norm(x, patches_, dim_, w.ln1, config_.vit_ln_eps, norm_.data(), pool);
        attention(w, pool);
        kernels::linear(w.out_proj, attn_.data(), patches_, proj_.data(), pool);
        kernels::add(x, proj_.data(), size);
        // x = x + mlp(ln2(x)), mlp = fc2(gelu_tanh(fc1(.)))
        kernels::layer_norm(x, patches_, dim_, w.ln2, config_.vit_ln_eps, norm_.data(), pool);
        kernels::linear(w.fc1, norm_.data(), patches_, mlp_.data(), pool);
        kernels::gelu_tanh(mlp_.data(), std::size_t(patches_) * config_.vit_inter_dim, pool);
        kernels::linear(w.fc2, mlp_.data(), patches_, proj_.data(), pool);
        kernels::add(x, proj_.data(), size);
    }
    kernels::layer_norm(x, patches_, dim_, weights_.final_norm, config_.vit_ln_eps, norm_.data(),
                        pool);
    std::copy(norm_.begin(), norm_.begin() + std::ptrdiff_t(size), x);
    return true;
}

} // namespace nanovlm
