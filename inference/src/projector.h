#pragma once

#include "weights.h"

#include <vector>

namespace nanovlm {

struct ModelConfig;
class ThreadPool;

// nanoVLM's ModalityProjector: pixel shuffle (s x s neighbouring patches concatenated) then a
// bias-free linear layer into the LM's width.
class Projector {
public:
    Projector(const ModelConfig& config, const Linear& weights);

    // vit_out: [N, D] of one tile; out: [N / s², H].
    void project(const float* vit_out, float* out, ThreadPool& pool);

private:
    const ModelConfig& config_;
    const Linear& weights_;
    std::vector<float> shuffled_; // [N / s², D · s²]
};

} // namespace nanovlm
