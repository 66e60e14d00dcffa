// PyTorch's antialiased bilinear resize (torch 1.13, aten/src/ATen/native/cpu/UpSampleKernel.cpp)
// for float images, as torchvision's tensor resize(antialias=True) calls it.
//
// nanoVLM main makes its global tile this way from the float [0, 1] image, and nothing rounds the
// result, so float arithmetic shows in the last bits. This file keeps what decides those bits:
// the weights are float (scalar_t) computed with PyTorch's mixture of float and double
// operations and normalised by their float sum; the width is resampled before the height; and
// each output is summed the way the reference binary sums it (tap_sum below).
//
// Built with -ffp-contract=off (inference/CMakeLists.txt): every fused multiply-add here is an
// explicit std::fma, where the reference has one, and nowhere else.

#include "torch_resample.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nanovlm {
namespace {

// HelperInterpLinear::interp_size: the bilinear (triangle) filter spans two input pixels.
constexpr int kInterpSize = 2;

// HelperInterpLinear::aa_filter, evaluated in scalar_t = float.
float triangle_filter(float x) {
    if (x < 0.0) {
        x = -x;
    }
    if (x < 1.0) {
        return 1.0 - x;
    }
    return 0.0;
}

using Taps = TorchBilinearAntialias::Taps;

// HelperInterpBase::_compute_indices_weights_aa and _compute_weights_aa with scalar_t = float.
// The casts spell out C++'s promotions in PyTorch's expressions: `i + 0.5` and `+ 0.5` are
// double, `j + xmin - center` is float.
Taps compute_taps(std::int64_t input_size, std::int64_t output_size) {
    // area_pixel_compute_scale(align_corners=false, no scale given): float(input) / output.
    const float scale = static_cast<float>(input_size) / static_cast<float>(output_size);
    // Shrinking widens the filter by the scale factor: this is the antialiasing.
    const float support =
        static_cast<float>(scale >= 1.0 ? (kInterpSize * 0.5) * scale : kInterpSize * 0.5);
    const float invscale = static_cast<float>(scale >= 1.0 ? 1.0 / scale : 1.0);

    Taps t;
    t.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
    t.first.resize(output_size);
    t.count.resize(output_size);
    t.weights.assign(std::size_t(output_size) * t.taps, 0.0f);
    for (std::int64_t i = 0; i < output_size; ++i) {
        const float center = static_cast<float>(scale * (i + 0.5));
        const std::int64_t xmin =
            std::max(static_cast<std::int64_t>((center - support) + 0.5), std::int64_t(0));
        const std::int64_t xsize =
            std::min(static_cast<std::int64_t>((center + support) + 0.5), input_size) - xmin;

        float* w = &t.weights[std::size_t(i) * t.taps];
        float total = 0.0f;
        for (std::int64_t j = 0; j < xsize; ++j) {
            const float offset = static_cast<float>(j + xmin) - center;
            w[j] = triangle_filter(static_cast<float>((offset + 0.5) * invscale));
            total += w[j];
        }
        if (total != 0.0f) {
            for (std::int64_t j = 0; j < xsize; ++j) {
                w[j] /= total;
            }
        }
        t.first[i] = xmin;
        t.count[i] = xsize;
    }
    return t;
}

// One output value: taps n >= 1 inputs v[0], v[stride], ... with weights w[0..n).
//
// interpolate_aa_single_dim writes `output = t0 * w0; for j >= 1: output += t_j * w_j`. The
// reference numbers come from Debian's PyTorch 1.13.1 on x86-64, whose AVX2 kernel GCC 12
// compiled with FMA contraction and partial vectorisation; its machine code (read with gdb) does:
//   * n <= 4: every `+=` after the first product is one fused multiply-add;
//   * n > 4: taps 1.. in blocks of four whose four products are rounded (vmulps) and then added
//     to the sum one after the other, and the (n - 1) % 4 last taps as fused multiply-adds.
// Plain multiply-then-add differs from it in the last bit for 1 to 20 % of the values; this
// reproduces it bit for bit (checked against that PyTorch on random images of many sizes).
// Another PyTorch build (its AVX-512 kernel, another compiler or CPU) rounds differently in the
// last bit too: the parity tolerance for the global tile is 1e-6, these differences are ~1e-7.
inline float tap_sum(const float* v, std::ptrdiff_t stride, const float* w, std::int64_t n) {
    float sum = v[0] * w[0];
    std::int64_t j = 1;
    if (n > 4) {
        for (; j + 4 <= n; j += 4) {
            const float p0 = v[j * stride] * w[j];
            const float p1 = v[(j + 1) * stride] * w[j + 1];
            const float p2 = v[(j + 2) * stride] * w[j + 2];
            const float p3 = v[(j + 3) * stride] * w[j + 3];
            sum = sum + p0;
            sum = sum + p1;
            sum = sum + p2;
            sum = sum + p3;
        }
    }
    for (; j < n; ++j) {
        sum = std::fma(v[j * stride], w[j], sum);
    }
    return sum;
}

} // namespace

TorchBilinearAntialias::TorchBilinearAntialias(int channels, int height, int width, int out_height,
                                               int out_width)
    : channels_(channels), height_(height), width_(width), out_height_(out_height),
      out_width_(out_width), rows_(scratch_floats(channels, height, out_width)) {
    // separable_upsample_generic_Nd_kernel_impl: the last (contiguous) dimension first, then the
    // height. PyTorch 1.13 also runs a pass whose size does not change; its weights are then
    // exactly {1, 0}, it copies the values, and it is skipped here.
    if (out_width != width) {
        width_taps_ = compute_taps(width, out_width);
    }
    if (out_height != height) {
        height_taps_ = compute_taps(height, out_height);
    }
}

void TorchBilinearAntialias::add_row(int channel, int y, const float* row) {
    float* dst = rows_.data() + (std::size_t(channel) * height_ + y) * out_width_;
    if (out_width_ == width_) {
        std::copy(row, row + width_, dst);
        return;
    }
    const Taps& t = width_taps_;
    for (int x = 0; x < out_width_; ++x) {
        dst[x] = tap_sum(row + t.first[x], 1, &t.weights[std::size_t(x) * t.taps], t.count[x]);
    }
}

void TorchBilinearAntialias::finish(float* out) const {
    const std::size_t in_plane = std::size_t(height_) * out_width_;
    const std::size_t out_plane = std::size_t(out_height_) * out_width_;
    if (out_height_ == height_) {
        std::copy(rows_.begin(), rows_.end(), out);
        return;
    }
    const Taps& t = height_taps_;
    for (int c = 0; c < channels_; ++c) {
        const float* plane = rows_.data() + c * in_plane;
        float* dst = out + c * out_plane;
        for (int y = 0; y < out_height_; ++y) {
            // A column's taps are out_width floats apart.
            const float* src = plane + t.first[y] * out_width_;
            const float* w = &t.weights[std::size_t(y) * t.taps];
            for (int x = 0; x < out_width_; ++x) {
                dst[std::size_t(y) * out_width_ + x] = tap_sum(src + x, out_width_, w, t.count[y]);
            }
        }
    }
}

} // namespace nanovlm
