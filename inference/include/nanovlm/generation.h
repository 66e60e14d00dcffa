#pragma once

#include "nanovlm/sampler.h"
#include "nanovlm/session.h"

#include <functional>
#include <span>
#include <vector>

namespace nanovlm {

struct GenerationOptions {
    int max_new_tokens = 512;
    SamplingParams sampling;
    TokenId eos_id = -1; // -1: the model's own end of answer
};

struct GenerationResult {
    std::vector<TokenId> ids; // generated, the end-of-answer id included when reached
    bool reached_eos = false;
    bool cancelled = false;
    bool context_full = false; // stopped because the session's context has no room left
    int prompt_tokens = 0;     // positions read for the prompt, image rows included
    int image_tokens = 0;
    double image_encode_ms = 0;
    double prefill_ms = 0;
    double ttft_ms = 0;   // start to first token: images + prefill + first sample
    double decode_ms = 0; // after the first token: every decoding step and sample
    int decode_steps = 0; // tokens read back into the session
    double decode_tokens_per_s() const {
        return decode_ms > 0 ? double(decode_steps) * 1000.0 / decode_ms : 0.0;
    }
};

// Called with each new id; return false to stop after it.
using TokenCallback = std::function<bool(TokenId)>;

// One answer: encodes the images, reads the prompt after what the session holds, then samples
// until the end-of-answer id, max_new_tokens, a false from on_token, cancel, or a full context.
// Every sampled id, the end-of-answer id included, is read back into the session (unless cancelled
// first), so the session holds the whole transcript and a follow-up question continues it.
GenerationResult generate(Session& session, std::span<const TokenId> prompt_ids,
                          std::span<const PreprocessedImage> images,
                          const GenerationOptions& options, const RunControl& control = {},
                          const TokenCallback& on_token = {});

} // namespace nanovlm
