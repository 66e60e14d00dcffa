#include "nanovlm/generation.h"

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/model.h"

#include <chrono>
#include <string>

namespace nanovlm {
namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

// Counts the positions the prompt will take before any picture is encoded (a minute of work
// for several detailed pictures), and says what to lower when they do not fit.
void check_room(const Session& session, std::span<const TokenId> prompt_ids,
                std::span<const PreprocessedImage> images) {
    const ModelConfig& config = session.model().config();
    long long image_rows = 0;
    for (const PreprocessedImage& image : images) {
        image_rows += (long long)image.tile_count() * config.image_tokens_per_tile();
    }
    // v0.1 puts the image rows before the ids; later generations' ids hold one placeholder per
    // row already.
    const long long needed = (long long)session.position() + (long long)prompt_ids.size() +
                             (config.generation == Generation::V0_1 ? image_rows : 0);
    if (needed <= session.max_context()) {
        return;
    }
    std::string message = "the conversation needs " + std::to_string(needed) +
                          " positions but the context holds " +
                          std::to_string(session.max_context());
    if (image_rows > 0) {
        message += " (" + std::to_string(image_rows) + " of them for " +
                   std::to_string(images.size()) + (images.size() == 1 ? " picture" : " pictures") +
                   "); lower the image detail, use fewer pictures, or start a new chat";
    } else {
        message += "; start a new chat or ask a shorter question";
    }
    throw Error(message);
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

    check_room(session, prompt_ids, images);
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
