#include "projector.h"

#include "kernels.h"
#include "nanovlm/config.h"

#include <algorithm>

namespace nanovlm {

Projector::Projector(const ModelConfig& config, const Linear& weights)
    : config_(config), weights_(weights),
      shuffled_(std::size_t(config.image_tokens_per_tile()) * config.mp_input_dim()) {}

void Projector::project(const float* vit_out, float* out, ThreadPool& pool) {
    // pixel_shuffle: view (h, w, D) → (h/s, s, w/s, s, D) → permute (h/s, w/s, s, s, D), i.e.
    // out[i·wo + j, (dy·s + dx)·D + d] = in[(i·s + dy)·W + j·s + dx, d].
    const int s = config_.mp_pixel_shuffle_factor;
    const int side = config_.vit_patches_per_side();
    const int out_side = side / s;
    const int d = config_.vit_hidden_dim;
    const int row_len = config_.mp_input_dim();
    for (int i = 0; i < out_side; ++i) {
        for (int j = 0; j < out_side; ++j) {
            float* row = shuffled_.data() + std::size_t(i * out_side + j) * row_len;
            for (int dy = 0; dy < s; ++dy) {
                for (int dx = 0; dx < s; ++dx) {
                    const float* src = vit_out + std::size_t((i * s + dy) * side + j * s + dx) * d;
                    std::copy(src, src + d, row + (dy * s + dx) * d);
                }
            }
        }
    }
    kernels::linear(weights_, shuffled_.data(), out_side * out_side, out, pool);
}

} // namespace nanovlm
