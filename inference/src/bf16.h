#pragma once

#include "quantized.h" // QuantizedLayers::Read

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace nanovlm {

struct Linear;

// bfloat16 (`--weights bf16`): the upper half of a float32, so 8 exponent bits (float32's range,
// subnormals included) and 8 significand bits (relative rounding error at most 2⁻⁹).

// Rounds to the nearest bf16, ties to even; ±Inf stays ±Inf, a float too large for bf16 becomes
// ±Inf, and a NaN stays a (quiet) NaN of the same sign.
std::uint16_t float_to_bf16(float f);
// Exact: a bf16 value is a float32 with its low 16 bits zero.
float bf16_to_float(std::uint16_t b);
// float_to_bf16 over `count` values.
void floats_to_bf16(const float* src, std::size_t count, std::uint16_t* dst);

// Owned bf16 copies of a set of linear layers (those of int8_layers()), made once at load into
// one buffer sized for all of them. The same shape as QuantizedLayers: `threads` threads each read
// a block of rows with `read` and round them; then each layer's bweight points at its copy and its
// float weight is cleared, so the kernels read only the copy. A checkpoint stored in BF16 was
// widened exactly to float32 on reading, so its copy holds the checkpoint's own values.
class Bf16Layers {
public:
    Bf16Layers(const std::vector<Linear*>& layers, int threads, const QuantizedLayers::Read& read);

    std::size_t bytes() const { return bytes_; }
    int max_in() const { return max_in_; } // widest row: sizes the prefill scratch

private:
    struct FreeHugeAligned {
        void operator()(std::uint16_t* p) const;
    };
    std::unique_ptr<std::uint16_t[], FreeHugeAligned> values_;
    std::size_t bytes_ = 0;
    int max_in_ = 0;
};

} // namespace nanovlm
