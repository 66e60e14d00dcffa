#include "nanovlm/generation.h"

#include "nanovlm/config.h"
#include "nanovlm/model.h"

#include <chrono>

namespace nanovlm {
namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

GenerationResult generate(Session& session, std::span<const TokenId> prompt_ids,
                          std::span<const PreprocessedImage> images,
                          const GenerationOptions& options, const RunControl& control,
                          const TokenCallback& on_token) {
    using Clock = std::chrono::steady_clock;
    const ModelConfig& config = session.model().config();
    const TokenId eos = options.eos_id >= 0 ? options.eos_id : config.eos_token_id();
    GenerationResult result;
    const auto start = Clock::now();

    std::vector<ImageEmbedding> embeddings;
    embeddings.reserve(images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
        auto embedding = session.encode_image(images[i], control, int(i), int(images.size()));
        if (!embedding) {
            result.cancelled = true;
            return result;
        }
        result.image_tokens += embedding->tokens;
        embeddings.push_back(std::move(*embedding));
    }
    result.image_encode_ms = ms_since(start);

    const auto prefill_start = Clock::now();
    const int before = session.position();
    if (!session.append(prompt_ids, embeddings, control)) {
        result.cancelled = true;
        return result;
    }
    result.prompt_tokens = session.position() - before;
    result.prefill_ms = ms_since(prefill_start);

    Sampler sampler(options.sampling, session.logits().size());
    result.ids.reserve(std::size_t(std::max(0, options.max_new_tokens)));
    auto decode_start = Clock::now();
    for (int step = 0; step < options.max_new_tokens; ++step) {
        if (control.cancelled()) {
            result.cancelled = true;
            break;
        }
        if (session.position() >= session.max_context()) {
            result.context_full = true; // nothing sampled now could be read back
            break;
        }
        const TokenId id = sampler.sample(session.logits());
        if (step == 0) {
            result.ttft_ms = ms_since(start);
            decode_start = Clock::now();
        }
        result.ids.push_back(id);
        control.report({Progress::Stage::Generating, 0, 0, 0, 0, step + 1, options.max_new_tokens});
        const bool keep_going = on_token ? on_token(id) : true;
        session.append_token(id);
        ++result.decode_steps;
        if (id == eos) {
            result.reached_eos = true;
            break;
        }
        if (!keep_going) {
            break;
        }
    }
    result.decode_ms = result.ids.empty() ? 0.0 : ms_since(decode_start);
    return result;
}

} // namespace nanovlm
