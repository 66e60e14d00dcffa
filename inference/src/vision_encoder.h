#pragma once

#include "weights.h"

#include <atomic>
#include <vector>

namespace nanovlm {

struct ModelConfig;
class ThreadPool;

// nanoVLM's ViT (models/vision_transformer.py, SigLIP-style): a patch-embedding convolution plus
// learned positions, pre-LN blocks with bidirectional attention, a final LayerNorm. Its scratch
// is sized once for one tile; encode() allocates nothing.
class VisionEncoder {
public:
    VisionEncoder(const ModelConfig& config, const VisionWeights& weights);

    // tile: [3, S, S] planar RGB in [0, 1]; out: [N, D]. Returns false when `cancel` was set
    // (checked between blocks), leaving `out` unspecified.
    bool encode(const float* tile, float* out, ThreadPool& pool, const std::atomic<bool>* cancel);

private:
    void patch_embed(const float* tile, float* x, ThreadPool& pool);
    void attention(const VitBlockWeights& w, ThreadPool& pool);

    const ModelConfig& config_;
    const VisionWeights& weights_;
    int patches_;                    // N
    int dim_;                        // D
    std::vector<float> patches_buf_; // [N, 3·P·P] im2col of the tile
    std::vector<float> norm_;        // [N, D]
    std::vector<float> qkv_;         // [N, 3·D]
    std::vector<float> scores_;      // [N, N] one head at a time
    std::vector<float> attn_;        // [N, D]
    std::vector<float> mlp_;         // [N, I]
    std::vector<float> proj_;        // [N, D]
};

} // namespace nanovlm
