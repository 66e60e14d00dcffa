#include "nanovlm/sampler.h"

#include "nanovlm/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nanovlm {
namespace {

// A NaN logit (a corrupt or overflowing checkpoint) ranks below every real one, so sorting stays
// well defined and it is never picked while any real logit exists.
float rank(float logit) {
    return std::isnan(logit) ? -std::numeric_limits<float>::infinity() : logit;
}

Error no_valid_logits() {
    return Error("the model produced no usable logits (all NaN or -inf): the checkpoint's "
                 "weights may be corrupt");
}

} // namespace

Sampler::Sampler(const SamplingParams& params, std::size_t vocab_size)
    : params_(params), rng_(params.seed), order_(vocab_size), probs_(vocab_size) {
    if (!params.greedy && !(params.temperature > 0.0f)) {
        throw Error("temperature must be greater than 0 (use greedy decoding for 0)");
    }
    if (params.top_k < 0) {
        throw Error("top-k must be 0 (off) or positive");
    }
    if (!(params.top_p > 0.0f && params.top_p <= 1.0f)) {
        throw Error("top-p must be in (0, 1]");
    }
}

TokenId Sampler::sample(std::span<const float> logits) {
    if (logits.empty() || logits.size() > order_.size()) {
        throw Error("sampler: got " + std::to_string(logits.size()) +
                    " logits for a vocabulary of " + std::to_string(order_.size()));
    }
    if (params_.greedy) {
        // torch.argmax returns the first of equal maxima.
        std::size_t best = 0;
        for (std::size_t i = 1; i < logits.size(); ++i) {
            if (rank(logits[i]) > rank(logits[best])) {
                best = i;
            }
        }
        if (!(rank(logits[best]) > -std::numeric_limits<float>::infinity())) {
            throw no_valid_logits();
        }
        return TokenId(best);
    }
    return sample_filtered(logits);
}

// models/utils.py top_k_top_p_filtering, then softmax(filtered / temperature) and multinomial.
TokenId Sampler::sample_filtered(std::span<const float> logits) {
    const int vocab = int(logits.size());
    auto by_logit = [&](TokenId a, TokenId b) { return rank(logits[a]) > rank(logits[b]); };
    std::iota(order_.begin(), order_.begin() + vocab, 0);

    // Top-k keeps every logit >= the k-th largest (ties at the boundary survive, as with
    // `logits < topk[..., -1]`).
    int kept = vocab;
    if (params_.top_k > 0 && params_.top_k < vocab) {
        std::nth_element(order_.begin(), order_.begin() + params_.top_k - 1, order_.begin() + vocab,
                         by_logit);
        const float kth = rank(logits[order_[params_.top_k - 1]]);
        kept = int(std::partition(order_.begin(), order_.begin() + vocab,
                                  [&](TokenId id) { return rank(logits[id]) >= kth; }) -
                   order_.begin());
    }
    std::sort(order_.begin(), order_.begin() + kept, by_logit);

    // Top-p on the probabilities at temperature 1; the first token always stays.
    const double max_logit = rank(logits[order_[0]]);
    if (!std::isfinite(max_logit)) {
        throw no_valid_logits();
    }
    if (params_.top_p < 1.0f) {
        double total = 0.0;
        for (int i = 0; i < kept; ++i) {
            total += std::exp(double(rank(logits[order_[i]])) - max_logit);
        }
        double cumulative = 0.0;
        int within = kept;
        for (int i = 0; i < kept; ++i) {
            cumulative += std::exp(double(rank(logits[order_[i]])) - max_logit) / total;
            if (cumulative > params_.top_p && i > 0) {
                within = i;
                break;
            }
        }
        kept = within;
    }

    double total = 0.0;
    for (int i = 0; i < kept; ++i) {
        probs_[i] = std::exp((double(rank(logits[order_[i]])) - max_logit) / params_.temperature);
        total += probs_[i];
    }
    const double target = std::uniform_real_distribution<double>(0.0, total)(rng_);
    double cumulative = 0.0;
    for (int i = 0; i < kept; ++i) {
        cumulative += probs_[i];
        if (target < cumulative) {
            return order_[i];
        }
    }
    return order_[kept - 1];
}

} // namespace nanovlm
