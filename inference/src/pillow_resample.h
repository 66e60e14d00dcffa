#pragma once

#include "nanovlm/image.h"

#include <cstdint>
#include <functional>

namespace nanovlm {

// The two Pillow filters nanoVLM's image processors use.
enum class PillowFilter {
    Bilinear, // v0.1/v0.2: torchvision Resize((s, s)) on a PIL image (Pillow BILINEAR)
    Bicubic,  // main: DynamicResize (Pillow BICUBIC, a = -0.5)
};

// Receives the rows of a resized image in order: the row index, then width * 3 bytes of RGB
// (valid only during the call).
using RgbRowSink = std::function<void(int y, const std::uint8_t* rgb)>;

// Pillow 9.4's `Image.resize((width, height), filter)` of an RGB image, bit for bit: the same
// coefficients, the same 22-bit fixed-point arithmetic and rounding, the same pass order
// (libImaging/Resample.c, ImagingResampleInner). An image already of that size comes out
// unchanged, as Image.resize copies it. The rows are handed to `sink` as they are made, so that
// neither the whole resized image nor Pillow's intermediate band is ever held: only as many
// horizontally resampled rows as one output row reads. The caller checks that the sizes are
// positive and affordable (see pillow_resize_scratch_rows).
void pillow_resize(const RgbImage& source, int width, int height, PillowFilter filter,
                   const RgbRowSink& sink);

// How many rows of `width` RGB pixels pillow_resize keeps while resizing to that size.
int pillow_resize_scratch_rows(const RgbImage& source, int width, int height, PillowFilter filter);

} // namespace nanovlm
