#pragma once

#include "bf16.h"
#include "mapped_file.h"
#include "nanovlm/model.h"
#include "quantized.h"
#include "safetensors.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nanovlm {

struct ModelConfig;

// One row of the tensor table: every tensor the model needs, its expected shape computed from
// the config. Loading, `nanovlm inspect` and the error messages all read this one table.
struct TensorSpec {
    std::string name;
    std::string alias; // another accepted name (the tied head is stored under either), or ""
    std::vector<std::int64_t> shape;
    bool required = true;
};

std::vector<TensorSpec> tensor_table(const ModelConfig& config);

// Checks a header against the table: every required tensor present under its name or alias,
// with the expected shape. Throws Error on the first mismatch, naming file, tensor, expected and
// found. Reads no weights.
void check_tensors(const SafetensorsHeader& header, const ModelConfig& config,
                   const std::string& path);

// Elements of every tensor in the file but the rotary buffer (decoder.rotary_embd.inv_freq,
// computed, not learned): what "parameters" means in the app and `nanovlm inspect`.
std::size_t count_parameters(const SafetensorsHeader& header);

// y = x · weightᵀ (+ bias): a PyTorch nn.Linear, weight [out, in] row-major. Under
// `--weights int8` the kernels read the int8 copy instead (quantized.h), under `--weights bf16`
// the bf16 copy (bf16.h), and weight is null.
struct Linear {
    const float* weight = nullptr; // [out, in]
    const float* bias = nullptr;   // [out] or null
    int out = 0;
    int in = 0;
    const std::int8_t* qweight = nullptr; // [out, in] int8 copy, or null
    const float* scales = nullptr; // [out]: row o of the weight is qweight[o, :] · scales[o]
    const std::uint16_t* bweight = nullptr; // [out, in] bf16 copy, or null
};

struct LayerNormWeights {
    const float* weight = nullptr; // [dim]
    const float* bias = nullptr;   // [dim]
};

struct VitBlockWeights {
    LayerNormWeights ln1;
    Linear qkv;      // [3·D, D]: q, k, v stacked in that order, with bias
    Linear out_proj; // [D, D], with bias
    LayerNormWeights ln2;
    Linear fc1; // [I, D], with bias
    Linear fc2; // [D, I], with bias
};

struct VisionWeights {
    const float* patch_weight = nullptr;       // [D, 3, P, P] (Conv2d, kernel = stride = P)
    const float* patch_bias = nullptr;         // [D]
    const float* position_embedding = nullptr; // [N, D], N = (img / P)²
    std::vector<VitBlockWeights> blocks;
    LayerNormWeights final_norm; // [D]
};

struct LmBlockWeights {
    const float* norm1 = nullptr; // [H] RMSNorm before attention
    Linear q;                     // [H, H]
    Linear k;                     // [kv_heads · head_dim, H]
    Linear v;                     // [kv_heads · head_dim, H]
    Linear o;                     // [H, H] (nanoVLM: attn.out_proj)
    const float* norm2 = nullptr; // [H] RMSNorm before the MLP
    Linear gate;                  // [I, H]
    Linear up;                    // [I, H]
    Linear down;                  // [H, I]
};

struct LanguageWeights {
    const float* token_embedding = nullptr; // [V, H], also the tied output head
    Linear head;                            // [V, H]: the token embedding, no bias
    std::vector<LmBlockWeights> blocks;
    const float* final_norm = nullptr; // [H]
    const float* inv_freq = nullptr;   // [head_dim / 2] when the file has it, else computed
};

struct Weights {
    VisionWeights vision;
    Linear projector; // MP.proj: [H, D · s²], no bias
    LanguageWeights language;
};

// The checkpoint's tensors, mapped once. F32 tensors are used in place; F16/BF16 (or
// misaligned F32) are converted once to float32 here and owned by this object.
class WeightStore {
public:
    WeightStore(const std::string& safetensors_path, const ModelConfig& config);

    // --weights int8: replaces the layers of int8_layers() by owned int8 copies, rows split
    // across `threads` threads. Their float32 tensors are read from the file, not through the
    // map, so they never become resident. Called once, at load.
    void quantize_int8(int threads);
    // --weights bf16: the same layers replaced by owned bf16 copies, the same way.
    void convert_bf16(int threads);

    const Weights& weights() const { return weights_; }
    // Throws Error when the mapped checkpoint was truncated or rewritten since loading.
    void check_unchanged() const { file_.check_unchanged(); }
    bool weights_changed() const { return file_.changed(); }
    const SafetensorsHeader& header() const { return header_; }
    WeightFormat format() const;
    std::size_t file_bytes() const { return file_.size(); }
    std::size_t converted_bytes() const;
    // The int8 copies and their scales, or the bf16 copies (0 under f32).
    std::size_t quantized_bytes() const;
    // Bytes of the map that only int8 or bf16 layers used: never resident while running, but for
    // the rows of the tied head that embedding lookups read.
    std::size_t unused_map_bytes() const { return unused_map_bytes_; }
    // The widest int8 or bf16 row (0 under f32): the prefill widens blocks of such rows.
    int max_quantized_in() const;

private:
    const float* tensor(const std::string& name, const std::string& alias = {});
    void bind(const ModelConfig& config);

    MappedFile file_;
    SafetensorsHeader header_;
    std::vector<std::unique_ptr<float[]>> converted_;
    std::size_t converted_floats_ = 0;
    std::vector<float> computed_inv_freq_;
    Weights weights_;
    void count_unused_map_bytes(const std::vector<Linear*>& layers);

    std::optional<QuantizedLayers> quantized_;
    std::optional<Bf16Layers> bf16_;
    std::size_t unused_map_bytes_ = 0;
};

} // namespace nanovlm
