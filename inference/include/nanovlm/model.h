#pragma once

#include "nanovlm/config.h"
#include "nanovlm/tokenizer.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nanovlm {

// How the linear layers' weights are held while running (--weights).
enum class WeightFormat {
    F32,  // float32 as in the checkpoint (mapped, used in place)
    Int8, // per-row symmetric int8 made at load: a quarter of the bytes to read per token
    Bf16, // bfloat16 copies made at load (rounded to nearest even): half the bytes per token
};

// "f32", "int8" or "bf16".
std::string_view weight_format_name(WeightFormat format);
// The format named "f32", "int8" or "bf16"; nullopt for anything else.
std::optional<WeightFormat> parse_weight_format(std::string_view name);

struct LoadOptions {
    std::string tokenizer_file; // --tokenizer; empty: look beside the checkpoint, then the HF cache
    bool require_tokenizer = false; // throw when no tokenizer is found instead of loading without
    WeightFormat weights = WeightFormat::F32; // --weights
};

// fraction in [0, 1] and what is being done.
using LoadProgress = std::function<void(float fraction, std::string_view stage)>;

// A loaded checkpoint: config, memory-mapped weights and (when found) the tokenizer. Immutable
// once built, so several Sessions on several threads can share one Model.
class Model {
public:
    // dir holds config.json and model.safetensors. Validates the whole tensor table against the
    // config before anything is used; throws Error with the first problem found.
    static std::shared_ptr<const Model> load(const std::string& dir,
                                             const LoadOptions& options = {},
                                             const LoadProgress& progress = {});
    ~Model();

    const ModelConfig& config() const;
    const std::string& directory() const;

    // Null when no tokenizer was found and none was required; tokenizer_problem() says why.
    const Tokenizer* tokenizer() const;
    const std::string& tokenizer_problem() const;

    // The id of <|image|>, or -1 where the generation has none (v0.1 prepends the image).
    TokenId image_token_id() const;
    // The id of a nanoVLM extra token by its config key ("global_image_token", "r1c2", ...), or -1.
    TokenId extra_token_id(std::string_view key) const;

    std::size_t parameter_count() const;
    std::size_t file_bytes() const;
    // Weights converted to float32 at load (F16/BF16 checkpoints): resident beyond the map.
    std::size_t converted_bytes() const;
    WeightFormat weight_format() const;
    // The int8 copies and their scales made at load under WeightFormat::Int8, the bf16 copies
    // under WeightFormat::Bf16, else 0.
    std::size_t quantized_bytes() const;
    // Memory the weights occupy while running: the mapped file, less the float32 layers that
    // int8 or bf16 copies replaced, plus the converted and quantized copies.
    std::size_t weight_memory_bytes() const;

    struct Impl;
    const Impl& impl() const { return *impl_; }

private:
    explicit Model(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace nanovlm
