#include "nanovlm/session.h"

#include "kernels.h"
#include "language_model.h"
#include "model_impl.h"
#include "nanovlm/error.h"
#include "projector.h"
#include "thread_pool.h"
#include "vision_encoder.h"

#include <algorithm>
#include <cstring>
#include <thread>

namespace nanovlm {
namespace {

int resolve_threads(int requested) {
    // More threads than cores only makes them wait for each other at every step.
    const int cores = std::max(1, int(std::thread::hardware_concurrency()));
    return requested > 0 ? std::min(requested, cores) : cores;
}

int resolve_context(const ModelConfig& c, int requested) {
    // Rotary tables are built for positions below lm_max_position_embeddings; nanoVLM rescales
    // beyond it, which its checkpoints were never trained for.
    const int limit = c.lm_max_position_embeddings;
    return std::clamp(requested > 0 ? requested : 4096, 1, limit);
}

} // namespace

struct Session::State {
    // After every step that read weights: a checkpoint truncated while mapped reads as zeros
    // (map_guard.h), so the step's result must not be used.
    void check_weights() const { model->impl().store->check_unchanged(); }

    State(std::shared_ptr<const Model> m, const SessionOptions& options)
        : model(std::move(m)), config(model->config()), weights(model->impl().store->weights()),
          threads(resolve_threads(options.threads)), pool(threads), vision(config, weights.vision),
          projector(config, weights.projector),
          language(config, weights.language, resolve_context(config, options.max_context),
                   std::max(1, options.max_chunk), threads),
          vit_out(std::size_t(config.vit_num_patches()) * config.vit_hidden_dim),
          rows(std::size_t(language.max_chunk()) * config.lm_hidden_dim),
          logits(std::size_t(config.lm_vocab_size)),
          history(std::size_t(language.max_positions()), -1) {
        kernels::use_single_threaded_blas();
        pool.reserve_scratch(
            kernels::linear_scratch_floats(model->impl().store->max_quantized_in()));
    }

    std::shared_ptr<const Model> model;
    const ModelConfig& config;
    const Weights& weights;
    int threads;
    ThreadPool pool;
    VisionEncoder vision;
    Projector projector;
    LanguageModel language;
    std::vector<float> vit_out;   // [N, D] of the tile being encoded
    std::vector<float> rows;      // [max_chunk, H] input embeddings of one prefill pass
    std::vector<float> logits;    // [V]
    std::vector<TokenId> history; // [max_context] id read at each position, -1 for image rows
    int position = 0;
    int tiles_encoded = 0;
};

Session::Session(std::shared_ptr<const Model> model, const SessionOptions& options) {
    if (!model) {
        throw Error("a session needs a loaded model");
    }
    state_ = std::make_unique<State>(std::move(model), options);
}

Session::~Session() = default;

const Model& Session::model() const {
    return *state_->model;
}
std::span<const float> Session::logits() const {
    return state_->logits;
}
int Session::position() const {
    return state_->position;
}
int Session::max_context() const {
    return state_->language.max_positions();
}
void Session::rewind(int position) {
    State& s = *state_;
    position = std::clamp(position, 0, s.position);
    if (position == s.position) {
        return;
    }
    if (position == 0) {
        s.position = 0;
        std::fill(s.logits.begin(), s.logits.end(), 0.0f);
        return;
    }
    // The logits must be those after the kept positions: read the last kept token again.
    const TokenId last = s.history[std::size_t(position) - 1];
    if (last < 0) {
        throw Error("cannot rewind to just after an image's embeddings; rewind to a text token");
    }
    s.position = position - 1;
    append_token(last);
}
int Session::vision_tiles_encoded() const {
    return state_->tiles_encoded;
}
int Session::threads() const {
    return state_->threads;
}

std::optional<ImageEmbedding> Session::encode_image(const PreprocessedImage& image,
                                                    const RunControl& control, int image_index,
                                                    int image_count) {
    State& s = *state_;
    if (image.tile_size != s.config.vit_img_size || image.tile_count() <= 0 ||
        image.pixels.size() !=
            std::size_t(image.tile_count()) * 3 * image.tile_size * image.tile_size) {
        throw Error("the image was prepared as " + std::to_string(image.tile_count()) +
                    " tiles of " + std::to_string(image.tile_size) + " px with " +
                    std::to_string(image.pixels.size()) +
                    " values, but this model's vision "
                    "encoder takes tiles of " +
                    std::to_string(s.config.vit_img_size) + " px");
    }
    const int per_tile = s.config.image_tokens_per_tile();
    const int h = s.config.lm_hidden_dim;
    ImageEmbedding out;
    out.tiles = image.tile_count();
    out.tokens = out.tiles * per_tile;
    out.values.resize(std::size_t(out.tokens) * h);
    for (int t = 0; t < out.tiles; ++t) {
        control.report(
            {Progress::Stage::EncodingImage, image_index, image_count, t, out.tiles, 0, 0});
        if (control.cancelled() ||
            !s.vision.encode(image.tile(t), s.vit_out.data(), s.pool, control.cancel)) {
            return std::nullopt;
        }
        s.projector.project(s.vit_out.data(), out.values.data() + std::size_t(t) * per_tile * h,
                            s.pool);
        s.check_weights();
        ++s.tiles_encoded;
    }
    control.report(
        {Progress::Stage::EncodingImage, image_index, image_count, out.tiles, out.tiles, 0, 0});
    return out;
}

bool Session::append(std::span<const TokenId> ids, std::span<const ImageEmbedding> images,
                     const RunControl& control) {
    State& s = *state_;
    const ModelConfig& c = s.config;
    const int h = c.lm_hidden_dim;
    const TokenId image_token = s.model->image_token_id();
    const bool prepend = c.generation == Generation::V0_1;

    int image_rows = 0;
    for (const ImageEmbedding& image : images) {
        if (image.tokens < 0 || image.values.size() != std::size_t(image.tokens) * h) {
            throw Error("an image embedding holds " + std::to_string(image.values.size()) +
                        " values but claims " + std::to_string(image.tokens) + " rows of " +
                        std::to_string(h) + " (was it made by another model?)");
        }
        image_rows += image.tokens;
    }
    int placeholders = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= c.lm_vocab_size) {
            throw Error("token id " + std::to_string(ids[i]) + " at index " + std::to_string(i) +
                        " is outside the model's vocabulary (0 to " +
                        std::to_string(c.lm_vocab_size - 1) + ")");
        }
        placeholders += ids[i] == image_token ? 1 : 0;
    }
    if (!prepend && placeholders != image_rows) {
        throw Error("the prompt has " + std::to_string(placeholders) +
                    " image placeholder tokens but the " + std::to_string(images.size()) +
                    " image(s) give " + std::to_string(image_rows) + " embeddings (" +
                    std::to_string(c.image_tokens_per_tile()) + " per tile)");
    }
    const int total = int(ids.size()) + (prepend ? image_rows : 0);
    if (total == 0) {
        return true;
    }
    if (s.position + total > max_context()) {
        throw Error("the conversation needs " + std::to_string(s.position + total) +
                    " positions but the context holds " + std::to_string(max_context()) +
                    "; start a new chat or use fewer or smaller images");
    }

    // Row r of the LM input: prepended image rows (v0.1), else the id's embedding, with the
    // k-th <|image|> placeholder replaced by the k-th image row overall.
    std::size_t image = 0, image_row = 0;
    auto next_image_row = [&](float* dst) {
        while (images[image].tokens == 0) {
            ++image;
        }
        std::memcpy(dst, images[image].values.data() + image_row * h, sizeof(float) * h);
        if (int(++image_row) == images[image].tokens) {
            ++image;
            image_row = 0;
        }
    };
    const int start = s.position;
    const int chunk = s.language.max_chunk();
    for (int done = 0; done < total; done += chunk) {
        if (control.cancelled()) {
            s.position = start;
            return false;
        }
        control.report({Progress::Stage::ReadingPrompt, 0, 0, 0, 0, done, total});
        const int n = std::min(chunk, total - done);
        for (int r = 0; r < n; ++r) {
            const int index = done + r;
            float* dst = s.rows.data() + std::size_t(r) * h;
            TokenId& recorded = s.history[std::size_t(s.position + r)];
            if (prepend && index < image_rows) {
                next_image_row(dst);
                recorded = -1;
                continue;
            }
            const TokenId id = ids[std::size_t(index - (prepend ? image_rows : 0))];
            if (!prepend && id == image_token) {
                next_image_row(dst);
                recorded = -1;
            } else {
                s.language.embed(id, dst);
                recorded = id;
            }
        }
        const bool last = done + n == total;
        s.language.forward(s.rows.data(), n, s.position, last ? s.logits.data() : nullptr, s.pool);
        if (s.model->impl().store->weights_changed()) {
            s.position = start; // the rows just written came from damaged weights
            s.check_weights();
        }
        s.position += n;
    }
    control.report({Progress::Stage::ReadingPrompt, 0, 0, 0, 0, total, total});
    return true;
}

void Session::append_token(TokenId id) {
    State& s = *state_;
    if (id < 0 || id >= s.config.lm_vocab_size) {
        throw Error("token id " + std::to_string(id) + " is outside the model's vocabulary");
    }
    if (s.position + 1 > max_context()) {
        throw Error("the answer reached the end of the context (" + std::to_string(max_context()) +
                    " positions)");
    }
    s.language.embed(id, s.rows.data());
    s.history[std::size_t(s.position)] = id;
    s.language.forward(s.rows.data(), 1, s.position, s.logits.data(), s.pool);
    s.check_weights();
    ++s.position;
}

} // namespace nanovlm
