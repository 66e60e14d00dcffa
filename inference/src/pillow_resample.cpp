// Pillow's convolution resampler (src/libImaging/Resample.c at tag 9.4.0) for 8-bit RGB.
//
// nanoVLM resizes every picture with Pillow (through torchvision), and the ViT sees the result as
// uint8 / 255, so any difference of one grey level changes the model's input. This file
// therefore mirrors Pillow's arithmetic exactly rather than "an equivalent" filter: coefficients
// in double, normalised per output pixel, converted to fixed point with PRECISION_BITS = 22 and
// Pillow's rounding, integer accumulation starting at one half, and a clip to [0, 255] after
// each of the two passes. Pillow stores RGB as 4 bytes a pixel; the channels never mix, so 3
// bytes a pixel gives the same numbers.
//
// Built with -ffp-contract=off (inference/CMakeLists.txt): a fused multiply-add in the bicubic
// polynomial would change the last bit of a coefficient and, rarely, a pixel.

#include "pillow_resample.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nanovlm {
namespace {

// "8 bits for result. Filter can have negative areas. In one cases the sum of the coefficients
// will be negative, in the other it will be more than 1.0. That is why we need two extra bits
// for overflow and int type." (Resample.c)
constexpr int kPrecisionBits = 32 - 8 - 2;

// Resample.c bilinear_filter.
double bilinear_filter(double x) {
    if (x < 0.0) {
        x = -x;
    }
    if (x < 1.0) {
        return 1.0 - x;
    }
    return 0.0;
}

// Resample.c bicubic_filter: Keys' cubic convolution with a = -0.5, written as Pillow writes it
// (the operation order matters for the last bit).
double bicubic_filter(double x) {
    constexpr double a = -0.5;
    if (x < 0.0) {
        x = -x;
    }
    if (x < 1.0) {
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
        return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
}

struct Filter {
    double (*function)(double);
    double support;
};

constexpr Filter kBilinear = {bilinear_filter, 1.0};
constexpr Filter kBicubic = {bicubic_filter, 2.0};

// The taps of one resampling direction: output pixel i reads `count[i]` input pixels from
// `first[i]` on, weighted by weights[i * ksize + j] (fixed point).
struct Coefficients {
    int ksize = 0;
    std::vector<int> first;
    std::vector<int> count;
    std::vector<std::int32_t> weights;
};

// Resample.c precompute_coeffs() for the box (0, in_size), followed by normalize_coeffs_8bpc().
Coefficients precompute_coeffs(int in_size, int out_size, const Filter& filter) {
    // The box edges are floats in Pillow (in1 - in0 is a float subtraction).
    const float in0 = 0.0f;
    const float in1 = static_cast<float>(in_size);
    const double scale = static_cast<double>(in1 - in0) / out_size;
    // Shrinking widens the filter by the scale factor: this is Pillow's antialiasing.
    const double filterscale = scale < 1.0 ? 1.0 : scale;
    const double support = filter.support * filterscale;

    Coefficients c;
    c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
    c.first.resize(out_size);
    c.count.resize(out_size);
    c.weights.assign(std::size_t(out_size) * c.ksize, 0);

    std::vector<double> k(c.ksize);
    for (int xx = 0; xx < out_size; ++xx) {
        const double center = in0 + (xx + 0.5) * scale;
        const double ss = 1.0 / filterscale;
        // Pillow rounds the bounds with (int)(v + 0.5), a truncation toward zero.
        const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);
        const int xmax = std::min(static_cast<int>(center + support + 0.5), in_size) - xmin;

        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double w = filter.function((x + xmin - center + 0.5) * ss);
            k[x] = w;
            ww += w;
        }
        std::int32_t* fixed = &c.weights[std::size_t(xx) * c.ksize];
        for (int x = 0; x < xmax; ++x) {
            const double normalised = ww != 0.0 ? k[x] / ww : k[x];
            // normalize_coeffs_8bpc: round half away from zero, then truncate to int.
            fixed[x] = normalised < 0
                           ? static_cast<std::int32_t>(-0.5 + normalised * (1 << kPrecisionBits))
                           : static_cast<std::int32_t>(0.5 + normalised * (1 << kPrecisionBits));
        }
        c.first[xx] = xmin;
        c.count[xx] = xmax;
    }
    return c;
}

// Resample.c clip8(): the accumulator holds the value << 22 plus the rounding half; Pillow's
// lookup table clamps the shifted value to [0, 255].
inline std::uint8_t clip8(std::int32_t accumulator) {
    return static_cast<std::uint8_t>(std::clamp(accumulator >> kPrecisionBits, 0, 255));
}

// ImagingResampleHorizontal_8bpc (3-band branch) for one row.
void resample_horizontal_row(const std::uint8_t* src, const Coefficients& c, std::uint8_t* dst) {
    const int out_width = static_cast<int>(c.first.size());
    for (int xx = 0; xx < out_width; ++xx) {
        const std::int32_t* k = &c.weights[std::size_t(xx) * c.ksize];
        const std::uint8_t* p = src + std::size_t(c.first[xx]) * 3;
        std::int32_t ss0 = 1 << (kPrecisionBits - 1);
        std::int32_t ss1 = ss0;
        std::int32_t ss2 = ss0;
        for (int x = 0; x < c.count[xx]; ++x) {
            ss0 += p[x * 3 + 0] * k[x];
            ss1 += p[x * 3 + 1] * k[x];
            ss2 += p[x * 3 + 2] * k[x];
        }
        dst[xx * 3 + 0] = clip8(ss0);
        dst[xx * 3 + 1] = clip8(ss1);
        dst[xx * 3 + 2] = clip8(ss2);
    }
}

// ImagingResampleVertical_8bpc (3-band branch) for output row yy; row(y) gives input row y.
// Pillow sums the taps of one output pixel in tap order; here the row is accumulated tap by tap
// so that the inner loop runs along memory. The sums are exact integers, so the order of the
// additions cannot change them: no partial sum overflows, as the positive (or negative) weights
// of one pixel add up to at most about 1.14 and 255 * 1.14 * 2^22 + 2^21 < 2^31.
template <typename RowOf>
void resample_vertical_row(RowOf row, const Coefficients& c, int yy,
                           std::vector<std::int32_t>& sums, std::uint8_t* dst) {
    const std::int32_t* k = &c.weights[std::size_t(yy) * c.ksize];
    std::fill(sums.begin(), sums.end(), 1 << (kPrecisionBits - 1));
    for (int y = 0; y < c.count[yy]; ++y) {
        const std::uint8_t* src = row(c.first[yy] + y);
        const std::int32_t weight = k[y];
        for (std::size_t i = 0; i < sums.size(); ++i) {
            sums[i] += src[i] * weight;
        }
    }
    for (std::size_t i = 0; i < sums.size(); ++i) {
        dst[i] = clip8(sums[i]);
    }
}

const Filter& filter_of(PillowFilter filter) {
    return filter == PillowFilter::Bicubic ? kBicubic : kBilinear;
}

} // namespace

int pillow_resize_scratch_rows(const RgbImage& source, int width, int height, PillowFilter filter) {
    if (width == source.width || height == source.height) {
        return 1; // one pass: a single output row at a time
    }
    const double scale = static_cast<double>(source.height) / height;
    const double support = filter_of(filter).support * std::max(scale, 1.0);
    return static_cast<int>(std::ceil(support)) * 2 + 1 + 1; // the window and the output row
}

void pillow_resize(const RgbImage& source, int width, int height, PillowFilter filter,
                   const RgbRowSink& sink) {
    // Image.resize: `if self.size == size and box == (0, 0) + self.size: return self.copy()`.
    if (width == source.width && height == source.height) {
        for (int y = 0; y < height; ++y) {
            sink(y, source.row(y));
        }
        return;
    }
    const Filter& f = filter_of(filter);
    const std::size_t row_values = std::size_t(width) * 3;
    std::vector<std::uint8_t> out_row(row_values);
    std::vector<std::int32_t> sums(row_values);

    // ImagingResampleInner: a pass runs only where that side changes.
    if (width == source.width) {
        const Coefficients vertical = precompute_coeffs(source.height, height, f);
        for (int yy = 0; yy < height; ++yy) {
            resample_vertical_row([&](int y) { return source.row(y); }, vertical, yy, sums,
                                  out_row.data());
            sink(yy, out_row.data());
        }
        return;
    }
    const Coefficients horizontal = precompute_coeffs(source.width, width, f);
    if (height == source.height) {
        for (int y = 0; y < height; ++y) {
            resample_horizontal_row(source.row(y), horizontal, out_row.data());
            sink(y, out_row.data());
        }
        return;
    }

    // Both passes. Pillow resamples the band of source rows [ybox_first, ybox_last) that the
    // vertical pass reads into a temporary image first. Each output row reads a window of at
    // most ksize consecutive band rows and the windows only move down, so the same band rows are
    // made here on demand into a ring of ksize rows: same numbers, a few rows of memory.
    const Coefficients vertical = precompute_coeffs(source.height, height, f);
    const int ring_rows = vertical.ksize;
    std::vector<std::uint8_t> ring(std::size_t(ring_rows) * row_values);
    const auto band_row = [&](int y) {
        return ring.data() + std::size_t(y % ring_rows) * row_values;
    };
    int next = vertical.first.front(); // ybox_first: the first source row the band holds
    for (int yy = 0; yy < height; ++yy) {
        for (const int end = vertical.first[yy] + vertical.count[yy]; next < end; ++next) {
            resample_horizontal_row(source.row(next), horizontal, band_row(next));
        }
        resample_vertical_row(band_row, vertical, yy, sums, out_row.data());
        sink(yy, out_row.data());
    }
}

} // namespace nanovlm
