#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nanovlm {

// torch.nn.functional.interpolate(mode="bilinear", align_corners=False, antialias=True) of a
// float image of `channels` planes, as PyTorch 1.13's CPU kernel computes it
// (aten/src/ATen/native/cpu/UpSampleKernel.cpp, the separable antialiased path). nanoVLM main
// makes its global tile this way from the resized [0, 1] image.
//
// PyTorch resamples the width of every row first, then the height; this class takes the input
// rows one at a time (add_row, in any order) so that the caller never builds the whole float
// image, and runs the height pass in finish().
class TorchBilinearAntialias {
public:
    TorchBilinearAntialias(int channels, int height, int width, int out_height, int out_width);

    // Row y of plane `channel`: `width` floats.
    void add_row(int channel, int y, const float* row);

    // Once every row has been added: writes channels * out_height * out_width floats, plane
    // after plane.
    void finish(float* out) const;

    // The floats held between add_row and finish.
    static std::size_t scratch_floats(int channels, int height, int out_width) {
        return std::size_t(channels) * height * out_width;
    }

    // Output i of one direction reads count[i] inputs from first[i] on, weighted by
    // weights[i * taps + j].
    struct Taps {
        int taps = 0;
        std::vector<std::int64_t> first;
        std::vector<std::int64_t> count;
        std::vector<float> weights;
    };

private:
    int channels_;
    int height_;
    int width_;
    int out_height_;
    int out_width_;
    Taps width_taps_;
    Taps height_taps_;
    std::vector<float> rows_; // [channels][height][out_width]: the width pass's results
};

} // namespace nanovlm
