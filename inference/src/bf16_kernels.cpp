#include "bf16_kernels.h"

#include "avx512_sum.h"
#include "gemm_avx512.h"  // cpu_has_avx512
#include "int8_kernels.h" // cpu_has_avx2_fma

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h> // compiled for AVX2 / AVX-512 per function, not for the whole build
#endif

namespace nanovlm::kernels {
namespace {

inline float widen(std::uint16_t b) {
    const std::uint32_t bits = std::uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

} // namespace

void gemv_bf16_scalar(const std::uint16_t* w, int in, const float* x, float* y, int lo, int hi) {
    // Eight partial sums: independent adds the compiler can vectorize with baseline SSE2.
    constexpr int kLanes = 8;
    for (int o = lo; o < hi; ++o) {
        const std::uint16_t* row = w + std::size_t(o) * in;
        float lanes[kLanes] = {};
        int i = 0;
        for (; i + kLanes <= in; i += kLanes) {
            for (int l = 0; l < kLanes; ++l) {
                lanes[l] += widen(row[i + l]) * x[i + l];
            }
        }
        float sum = 0.0f;
        for (int l = 0; l < kLanes; ++l) {
            sum += lanes[l];
        }
        for (; i < in; ++i) {
            sum += widen(row[i]) * x[i];
        }
        y[o] = sum;
    }
}

void widen_bf16_rows(const std::uint16_t* w, int rows, int in, float* out) {
    const std::size_t n = std::size_t(rows) * std::size_t(in);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = widen(w[i]);
    }
}

#if defined(__x86_64__) || defined(__i386__)

namespace {

// Eight bf16 weights widened to floats: zero-extend to 32 bits, shift into the upper half.
__attribute__((target("avx2,fma"))) inline __m256 widen8(const std::uint16_t* p) {
    const __m128i half = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(half), 16));
}

__attribute__((target("avx2,fma"))) inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Sixteen bf16 weights widened to floats. The masked forms name every input: GCC 12 warns of the
// undefined vector inside the unmasked _mm512_cvtepu16_epi32 and _mm512_slli_epi32.
__attribute__((target("avx512f"))) inline __m512 widen16(const std::uint16_t* p) {
    const __m256i half = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m512i wide = _mm512_maskz_cvtepu16_epi32(0xffff, half);
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xffff, wide, 16));
}

} // namespace

// As gemv_int8_avx2: decoding is bound by memory bandwidth, so one row at a time is read as one
// sequential stream (half of f32's bytes), and four accumulators hide the FMA latency.
__attribute__((target("avx2,fma"))) void gemv_bf16_avx2(const std::uint16_t* w, int in,
                                                        const float* x, float* y, int lo, int hi) {
    for (int o = lo; o < hi; ++o) {
        const std::uint16_t* row = w + std::size_t(o) * in;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        int i = 0;
        for (; i + 32 <= in; i += 32) {
            a0 = _mm256_fmadd_ps(widen8(row + i), _mm256_loadu_ps(x + i), a0);
            a1 = _mm256_fmadd_ps(widen8(row + i + 8), _mm256_loadu_ps(x + i + 8), a1);
            a2 = _mm256_fmadd_ps(widen8(row + i + 16), _mm256_loadu_ps(x + i + 16), a2);
            a3 = _mm256_fmadd_ps(widen8(row + i + 24), _mm256_loadu_ps(x + i + 24), a3);
        }
        for (; i + 8 <= in; i += 8) {
            a0 = _mm256_fmadd_ps(widen8(row + i), _mm256_loadu_ps(x + i), a0);
        }
        float sum = sum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        for (; i < in; ++i) {
            sum += widen(row[i]) * x[i];
        }
        y[o] = sum;
    }
}

// The AVX-512 twin: 16 weights per widening. The shift widens exactly; vdpbf16ps (AVX512_BF16)
// would also round every activation to bf16, adding a second 2⁻⁹ relative error per term for a
// saving in arithmetic that a memory-bound GEMV does not need.
__attribute__((target("avx512f"))) void gemv_bf16_avx512(const std::uint16_t* w, int in,
                                                         const float* x, float* y, int lo, int hi) {
    for (int o = lo; o < hi; ++o) {
        const std::uint16_t* row = w + std::size_t(o) * in;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        int i = 0;
        for (; i + 64 <= in; i += 64) {
            a0 = _mm512_fmadd_ps(widen16(row + i), _mm512_loadu_ps(x + i), a0);
            a1 = _mm512_fmadd_ps(widen16(row + i + 16), _mm512_loadu_ps(x + i + 16), a1);
            a2 = _mm512_fmadd_ps(widen16(row + i + 32), _mm512_loadu_ps(x + i + 32), a2);
            a3 = _mm512_fmadd_ps(widen16(row + i + 48), _mm512_loadu_ps(x + i + 48), a3);
        }
        for (; i + 16 <= in; i += 16) {
            a0 = _mm512_fmadd_ps(widen16(row + i), _mm512_loadu_ps(x + i), a0);
        }
        float sum = sum16(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
        for (; i < in; ++i) {
            sum += widen(row[i]) * x[i];
        }
        y[o] = sum;
    }
}

void gemv_bf16(const std::uint16_t* w, int in, const float* x, float* y, int lo, int hi) {
    if (cpu_has_avx512()) {
        gemv_bf16_avx512(w, in, x, y, lo, hi);
    } else if (cpu_has_avx2_fma()) {
        gemv_bf16_avx2(w, in, x, y, lo, hi);
    } else {
        gemv_bf16_scalar(w, in, x, y, lo, hi);
    }
}

#else

void gemv_bf16(const std::uint16_t* w, int in, const float* x, float* y, int lo, int hi) {
    gemv_bf16_scalar(w, in, x, y, lo, hi);
}

#endif

} // namespace nanovlm::kernels
