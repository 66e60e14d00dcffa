#include "quantized.h"

#include "thread_pool.h"
#include "weights.h"

#include <sys/mman.h> // madvise

#include <algorithm>
#include <cmath>
#include <new>

namespace nanovlm {

void quantize_rows(const float* w, int rows, int in, std::int8_t* q, float* scales) {
    // Adding and subtracting 1.5 · 2²³ rounds |v| ≤ 127 to the nearest integer (ties to even) in
    // the default rounding mode; unlike std::nearbyint it is not a libm call on baseline x86-64,
    // so the loop vectorizes and a 460M checkpoint quantizes in a fraction of a second.
    constexpr float kRound = 12582912.0f;
    for (int r = 0; r < rows; ++r) {
        const float* src = w + std::size_t(r) * in;
        std::int8_t* dst = q + std::size_t(r) * in;
        // Eight running maxima: without -ffast-math the compiler keeps a single running maximum
        // in order, one value at a time; independent lanes vectorize.
        // `poison` lanes sum v · 0: NaN exactly when some v is NaN or infinite, which max()
        // would skip and which has no int8 value (converting it is undefined behaviour).
        constexpr int kLanes = 8;
        float lanes[kLanes] = {};
        float poison[kLanes] = {};
        int i = 0;
        for (; i + kLanes <= in; i += kLanes) {
            for (int l = 0; l < kLanes; ++l) {
                lanes[l] = std::max(lanes[l], std::abs(src[i + l]));
                poison[l] += src[i + l] * 0.0f;
            }
        }
        float max = 0.0f;
        float poisoned = 0.0f;
        for (; i < in; ++i) {
            max = std::max(max, std::abs(src[i]));
            poisoned += src[i] * 0.0f;
        }
        for (int l = 0; l < kLanes; ++l) {
            max = std::max(max, lanes[l]);
            poisoned += poison[l];
        }
        // A row with NaN or Inf keeps a NaN scale, so it computes NaN as the float32 row would,
        // and the answer fails with the same "weights may be corrupt" error.
        const float scale = std::isnan(poisoned) ? poisoned : max / 127.0f;
        scales[r] = scale;
        if (scale == 0.0f || std::isnan(scale)) {
            std::fill(dst, dst + in, std::int8_t(0));
            continue;
        }
        for (i = 0; i < in; ++i) {
            const float v = (src[i] / scale + kRound) - kRound;
            dst[i] = std::int8_t(std::clamp(v, -127.0f, 127.0f));
        }
    }
}

std::vector<Linear*> int8_layers(Weights& weights) {
    std::vector<Linear*> layers;
    for (VitBlockWeights& b : weights.vision.blocks) {
        layers.insert(layers.end(), {&b.qkv, &b.out_proj, &b.fc1, &b.fc2});
    }
    for (LmBlockWeights& b : weights.language.blocks) {
        layers.insert(layers.end(), {&b.q, &b.k, &b.v, &b.o, &b.gate, &b.up, &b.down});
    }
    layers.push_back(&weights.language.head);
    return layers;
}

namespace {

// Each layer's values start on a cache line.
constexpr std::size_t kAlign = 64;
// The values buffer starts on a huge page.
constexpr std::size_t kHugePage = std::size_t(1) << 21;
// Float rows staged at a time: 16 MiB, a small fraction of any layer set worth quantizing.
constexpr std::size_t kStagingFloats = std::size_t(1) << 22;

std::size_t aligned(std::size_t n) {
    return (n + kAlign - 1) / kAlign * kAlign;
}

} // namespace

QuantizedLayers::QuantizedLayers(const std::vector<Linear*>& layers, int threads,
                                 const Read& read) {
    std::size_t values = 0, rows = 0;
    for (const Linear* l : layers) {
        values += aligned(std::size_t(l->out) * l->in);
        rows += std::size_t(l->out);
        max_in_ = std::max(max_in_, l->in);
    }
    values_.reset(static_cast<std::int8_t*>(::operator new(values, std::align_val_t(kHugePage))));
#ifdef MADV_HUGEPAGE
    // Where transparent huge pages are opt-in ("madvise", Debian's default), 2 MiB pages cut the
    // page faults of filling the buffer from ~50k to ~100: 222M loads in 0.26 s instead of 0.63.
    ::madvise(values_.get(), values / kHugePage * kHugePage, MADV_HUGEPAGE);
#endif
    scales_ = std::make_unique_for_overwrite<float[]>(rows);
    bytes_ = values + rows * sizeof(float);

    const std::size_t staging_floats = std::max(kStagingFloats, std::size_t(max_in_));
    const auto staging = std::make_unique_for_overwrite<float[]>(staging_floats);
    ThreadPool pool(threads);
    std::int8_t* next_values = values_.get();
    float* next_scales = scales_.get();
    for (Linear* l : layers) {
        const std::size_t in = std::size_t(l->in);
        const int block = int(std::min<std::size_t>(staging_floats / in, std::size_t(l->out)));
        for (int first = 0; first < l->out; first += block) {
            const int count = std::min(block, l->out - first);
            pool.parallel_for(count, [&](int begin, int end, int) {
                const std::size_t row = std::size_t(first + begin);
                float* rows_f32 = staging.get() + std::size_t(begin) * in;
                read(l->weight + row * in, std::size_t(end - begin) * in, rows_f32);
                quantize_rows(rows_f32, end - begin, l->in, next_values + row * in,
                              next_scales + row);
            });
        }
        l->weight = nullptr;
        l->qweight = next_values;
        l->scales = next_scales;
        next_values += aligned(std::size_t(l->out) * in);
        next_scales += l->out;
    }
}

void QuantizedLayers::FreeHugeAligned::operator()(std::int8_t* p) const {
    ::operator delete(p, std::align_val_t(kHugePage));
}

} // namespace nanovlm
