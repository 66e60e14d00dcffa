#include "bf16.h"

#include "thread_pool.h"
#include "weights.h"

#include <sys/mman.h> // madvise

#include <algorithm>
#include <cstring>
#include <new>

namespace nanovlm {

std::uint16_t float_to_bf16(float f) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        // Truncating could leave only zero payload bits, which is Inf: set the quiet bit instead.
        return std::uint16_t((bits >> 16) | 0x0040u);
    }
    // Adding 0x7fff, plus one when the kept half is odd, carries into the kept half exactly when
    // the dropped half is above one half, or one half with an odd kept half: ties to even. A carry
    // out of the significand steps the exponent, up to Inf for the largest floats, as IEEE does.
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return std::uint16_t(bits >> 16);
}

float bf16_to_float(std::uint16_t b) {
    const std::uint32_t bits = std::uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

void floats_to_bf16(const float* src, std::size_t count, std::uint16_t* dst) {
    for (std::size_t i = 0; i < count; ++i) {
        dst[i] = float_to_bf16(src[i]);
    }
}

namespace {

// Each layer's values start on a cache line (32 bf16 values).
constexpr std::size_t kAlignValues = 32;
// The buffer starts on a huge page.
constexpr std::size_t kHugePage = std::size_t(1) << 21;
// Float values staged at a time: 16 MiB.
constexpr std::size_t kStagingFloats = std::size_t(1) << 22;

std::size_t aligned(std::size_t n) {
    return (n + kAlignValues - 1) / kAlignValues * kAlignValues;
}

} // namespace

Bf16Layers::Bf16Layers(const std::vector<Linear*>& layers, int threads,
                       const QuantizedLayers::Read& read) {
    std::size_t values = 0;
    for (const Linear* l : layers) {
        values += aligned(std::size_t(l->out) * l->in);
        max_in_ = std::max(max_in_, l->in);
    }
    bytes_ = values * sizeof(std::uint16_t);
    values_.reset(static_cast<std::uint16_t*>(::operator new(bytes_, std::align_val_t(kHugePage))));
#ifdef MADV_HUGEPAGE
    // As for the int8 copies: 2 MiB pages cut the page faults of filling the buffer ~500-fold.
    ::madvise(values_.get(), bytes_ / kHugePage * kHugePage, MADV_HUGEPAGE);
#endif

    const std::size_t staging_floats = std::max(kStagingFloats, std::size_t(max_in_));
    const auto staging = std::make_unique_for_overwrite<float[]>(staging_floats);
    ThreadPool pool(threads);
    std::uint16_t* next = values_.get();
    for (Linear* l : layers) {
        const std::size_t in = std::size_t(l->in);
        const int block = int(std::min<std::size_t>(staging_floats / in, std::size_t(l->out)));
        for (int first = 0; first < l->out; first += block) {
            const int count = std::min(block, l->out - first);
            pool.parallel_for(count, [&](int begin, int end, int) {
                const std::size_t row = std::size_t(first + begin);
                const std::size_t n = std::size_t(end - begin) * in;
                float* rows_f32 = staging.get() + std::size_t(begin) * in;
                read(l->weight + row * in, n, rows_f32);
                floats_to_bf16(rows_f32, n, next + row * in);
            });
        }
        l->weight = nullptr;
        l->bweight = next;
        next += aligned(std::size_t(l->out) * in);
    }
}

void Bf16Layers::FreeHugeAligned::operator()(std::uint16_t* p) const {
    ::operator delete(p, std::align_val_t(kHugePage));
}

} // namespace nanovlm
