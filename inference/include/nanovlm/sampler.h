#pragma once

#include "nanovlm/tokenizer.h"

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace nanovlm {

// nanoVLM's defaults (VisionLanguageModel.generate): top-k 50, then top-p 0.9, then
// softmax(filtered / 0.5).
struct SamplingParams {
    bool greedy = false;
    float temperature = 0.5f;
    int top_k = 50;     // 0 keeps every token
    float top_p = 0.9f; // 1 keeps every token
    std::uint64_t seed = 0;
};

// Picks the next token from logits. Caller-owned so it can be tested on fixed logits; its
// buffers are sized for the vocabulary once, so sample() allocates nothing.
class Sampler {
public:
    Sampler(const SamplingParams& params, std::size_t vocab_size);

    TokenId sample(std::span<const float> logits);
    const SamplingParams& params() const { return params_; }

private:
    TokenId sample_filtered(std::span<const float> logits);

    SamplingParams params_;
    std::mt19937_64 rng_;
    std::vector<TokenId> order_;
    std::vector<double> probs_;
};

} // namespace nanovlm
