#pragma once

#include "nanovlm/image.h"
#include "nanovlm/tokenizer.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace nanovlm {

class Model;

struct SessionOptions {
    int max_context = 0; // positions of KV cache; 0: min(4096, lm_max_position_embeddings)
    int threads = 0;     // 0: every core
    int max_chunk = 256; // prefill positions per pass (bounds the scratch buffers)
};

struct Progress {
    enum class Stage { EncodingImage, ReadingPrompt, Generating };
    Stage stage = Stage::ReadingPrompt;
    int image = 0; // 0-based, EncodingImage
    int image_count = 0;
    int tile = 0; // tiles done of tile_count, EncodingImage
    int tile_count = 0;
    int done = 0; // positions read of total, ReadingPrompt; tokens, Generating
    int total = 0;
};

// How a caller steers a long run: a cancel flag checked between ViT blocks and between tokens,
// and progress reports.
struct RunControl {
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(const Progress&)> on_progress;

    bool cancelled() const { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
    void report(const Progress& p) const {
        if (on_progress) {
            on_progress(p);
        }
    }
};

// One picture after the vision encoder and projector: [tokens, lm_hidden_dim].
struct ImageEmbedding {
    int tiles = 0;
    int tokens = 0;
    std::vector<float> values;
};

// Per-conversation state: KV cache, activations, scratch and the thread pool, all sized at
// construction. A chat keeps its Session so follow-up questions reuse the cache.
class Session {
public:
    explicit Session(std::shared_ptr<const Model> model, const SessionOptions& options = {});
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    const Model& model() const;

    // Runs the ViT and projector over every tile; nullopt when cancelled.
    std::optional<ImageEmbedding> encode_image(const PreprocessedImage& image,
                                               const RunControl& control = {}, int image_index = 0,
                                               int image_count = 1);

    // Reads ids into the cache after what it already holds. Images take the places nanoVLM gives
    // them: v0.1 puts them before the ids; later generations write image i's rows over the i-th
    // run of <|image|> placeholders, so the count of placeholders must equal the image rows.
    // Throws Error for ids outside the vocabulary, a placeholder/image mismatch, or a context
    // overflow; returns false when cancelled (the session then holds what it held before).
    bool append(std::span<const TokenId> ids, std::span<const ImageEmbedding> images = {},
                const RunControl& control = {});
    // One decoding step: reads one token at the next position.
    void append_token(TokenId id);

    // Logits after the last position read: [vocab].
    std::span<const float> logits() const;
    int position() const;
    int max_context() const;
    // Forgets every position from `position` on (regenerate an answer, undo a cancelled read).
    void rewind(int position);
    void reset() { rewind(0); }

    // Tiles run through the vision encoder since construction (a follow-up must not add any).
    int vision_tiles_encoded() const;
    int threads() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace nanovlm
