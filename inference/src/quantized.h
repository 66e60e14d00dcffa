#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace nanovlm {

struct Linear;
struct Weights;

// Per-row symmetric int8 (`--weights int8`): scales[r] = max|w[r, :]| / 127 and
// q[r, i] = round(w[r, i] / scales[r]) clamped to [-127, 127], so row r is q[r, :] · scales[r]
// and every weight is off by at most scales[r] / 2. An all-zero row gets scale 0.
void quantize_rows(const float* w, int rows, int in, std::int8_t* q, float* scales);

// The layers `--weights int8` quantizes: in every ViT block qkv, out_proj, fc1 and fc2; in every
// LM block q, k, v, o, gate, up and down; and the tied LM head, the largest single matrix. The
// patch embedding and the projector run once per tile and stay float32, as does the token
// embedding table that the head shares (embedding lookups read it in place).
std::vector<Linear*> int8_layers(Weights& weights);

// Owned int8 copies of a set of linear layers, made once at load into two buffers sized for all
// of them.
class QuantizedLayers {
public:
    // Copies `count` floats of a layer's weight, starting at `source`, into `dst`.
    using Read = std::function<void(const float* source, std::size_t count, float* dst)>;

    // Quantizes each layer, a block of rows at a time: `threads` threads each read their rows
    // into a staging buffer with `read` and quantize them. Then points the layer's
    // qweight/scales at the copy and clears its float weight, so the kernels read only the copy.
    QuantizedLayers(const std::vector<Linear*>& layers, int threads, const Read& read);

    std::size_t bytes() const { return bytes_; } // int8 values and float scales
    int max_in() const { return max_in_; }       // widest row: sizes the prefill scratch

private:
    struct FreeHugeAligned {
        void operator()(std::int8_t* p) const;
    };
    std::unique_ptr<std::int8_t[], FreeHugeAligned> values_;
    std::unique_ptr<float[]> scales_;
    std::size_t bytes_ = 0;
    int max_in_ = 0;
};

} // namespace nanovlm
