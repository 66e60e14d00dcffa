#include "int8_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h> // _mm256_* (compiled for AVX2 per function, not for the whole build)
#endif

namespace nanovlm::kernels {

void gemv_int8_scalar(const std::int8_t* q, const float* scales, int in, const float* x, float* y,
                      int lo, int hi) {
    // Eight partial sums (the AVX2 kernel keeps 32): independent adds the compiler can vectorize
    // with the baseline SSE2, where a single running sum must stay in order.
    constexpr int kLanes = 8;
    for (int o = lo; o < hi; ++o) {
        const std::int8_t* w = q + std::size_t(o) * in;
        float lanes[kLanes] = {};
        int i = 0;
        for (; i + kLanes <= in; i += kLanes) {
            for (int l = 0; l < kLanes; ++l) {
                lanes[l] += float(w[i + l]) * x[i + l];
            }
        }
        float sum = 0.0f;
        for (int l = 0; l < kLanes; ++l) {
            sum += lanes[l];
        }
        for (; i < in; ++i) {
            sum += float(w[i]) * x[i];
        }
        y[o] = sum * scales[o];
    }
}

#if defined(__x86_64__) || defined(__i386__)

bool cpu_has_avx2_fma() {
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
}

namespace {

// Eight int8 weights widened to floats.
__attribute__((target("avx2,fma"))) inline __m256 widen8(const std::int8_t* p) {
    const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
}

__attribute__((target("avx2,fma"))) inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

} // namespace

// Decoding reads every weight once per token, so this is bound by memory bandwidth: the point is
// to stream a quarter of f32's bytes. It takes one row at a time, so the weights are read as one
// sequential stream: on the 2-core EPYC we measure on, that streams at the full ~19 GB/s of one
// core, while interleaving 2 or 4 rows to share each load of x reached 6–9 GB/s once the weights
// were out of cache, as decoding's always are. Four accumulators hide the FMA latency.
__attribute__((target("avx2,fma"))) void gemv_int8_avx2(const std::int8_t* q, const float* scales,
                                                        int in, const float* x, float* y, int lo,
                                                        int hi) {
    for (int o = lo; o < hi; ++o) {
        const std::int8_t* w = q + std::size_t(o) * in;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        int i = 0;
        for (; i + 32 <= in; i += 32) {
            a0 = _mm256_fmadd_ps(widen8(w + i), _mm256_loadu_ps(x + i), a0);
            a1 = _mm256_fmadd_ps(widen8(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
            a2 = _mm256_fmadd_ps(widen8(w + i + 16), _mm256_loadu_ps(x + i + 16), a2);
            a3 = _mm256_fmadd_ps(widen8(w + i + 24), _mm256_loadu_ps(x + i + 24), a3);
        }
        for (; i + 8 <= in; i += 8) {
            a0 = _mm256_fmadd_ps(widen8(w + i), _mm256_loadu_ps(x + i), a0);
        }
        float sum = sum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        for (; i < in; ++i) {
            sum += float(w[i]) * x[i];
        }
        y[o] = sum * scales[o];
    }
}

void gemv_int8(const std::int8_t* q, const float* scales, int in, const float* x, float* y, int lo,
               int hi) {
    if (cpu_has_avx2_fma()) {
        gemv_int8_avx2(q, scales, in, x, y, lo, hi);
    } else {
        gemv_int8_scalar(q, scales, in, x, y, lo, hi);
    }
}

#else

bool cpu_has_avx2_fma() {
    return false;
}

void gemv_int8(const std::int8_t* q, const float* scales, int in, const float* x, float* y, int lo,
               int hi) {
    gemv_int8_scalar(q, scales, in, x, y, lo, hi);
}

#endif

void dequantize_rows(const std::int8_t* q, const float* scales, int rows, int in, float* out) {
    for (int r = 0; r < rows; ++r) {
        const std::int8_t* src = q + std::size_t(r) * in;
        float* dst = out + std::size_t(r) * in;
        const float scale = scales[r];
        for (int i = 0; i < in; ++i) {
            dst[i] = float(src[i]) * scale;
        }
    }
}

} // namespace nanovlm::kernels
