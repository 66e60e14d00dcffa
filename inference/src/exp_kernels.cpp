#include "exp_kernels.h"

#include "int8_kernels.h" // cpu_has_avx2_fma

#include <cmath>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h> // _mm256_* (compiled for AVX2 per function, not for the whole build)
#endif

namespace nanovlm::kernels {
namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluCubic = 0.044715f;

} // namespace

void gelu_tanh_span_scalar(float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float v = x[i];
        // tanh(u) = 1 − 2 / (1 + e^{2u}): libm's expf is several times faster than its tanhf,
        // and GELU only needs tanh to an absolute error of a few ulps of 1 (it is added to 1).
        const float u = kSqrt2OverPi * (v + kGeluCubic * v * v * v);
        const float tanh_u = 1.0f - 2.0f / (1.0f + std::exp(2.0f * u));
        x[i] = 0.5f * v * (1.0f + tanh_u);
    }
}

void silu_mul_span_scalar(float* gate, const float* up, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

double exp_shifted_span_scalar(float* x, std::size_t n, float shift) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - shift);
        sum += x[i];
    }
    return sum;
}

#if defined(__x86_64__) || defined(__i386__)
namespace {

// e^x for eight floats: x = k·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two for an exact
// product), e^r by Cephes' expf polynomial, 2^k built in the exponent bits. Inputs are held
// to [−87, 88] so that 2^k stays a normal float: below, e^x is 1.6e-38 instead of smaller; above,
// 1.7e38 instead of infinity. NaN stays NaN (the operand order of max/min passes it through).
__attribute__((target("avx2,fma"))) inline __m256 exp8(__m256 x) {
    x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
    x = _mm256_min_ps(_mm256_set1_ps(88.0f), x);
    const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i exponent =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

} // namespace

__attribute__((target("avx2,fma"))) void gelu_tanh_span_avx2(float* x, std::size_t n) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    const __m256 two = _mm256_set1_ps(2.0f);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 cubic =
            _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(kGeluCubic), v), _mm256_mul_ps(v, v));
        const __m256 u = _mm256_mul_ps(_mm256_set1_ps(kSqrt2OverPi), _mm256_add_ps(v, cubic));
        const __m256 e = exp8(_mm256_mul_ps(two, u));
        const __m256 tanh_u = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(one, e)));
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, tanh_u)));
    }
    gelu_tanh_span_scalar(x + i, n - i);
}

__attribute__((target("avx2,fma"))) void silu_mul_span_avx2(float* gate, const float* up,
                                                            std::size_t n) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 e = exp8(_mm256_xor_ps(g, sign));
        const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, e));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    silu_mul_span_scalar(gate + i, up + i, n - i);
}

__attribute__((target("avx2,fma"))) double exp_shifted_span_avx2(float* x, std::size_t n,
                                                                 float shift) {
    const __m256 s = _mm256_set1_ps(shift);
    __m256d low = _mm256_setzero_pd(), high = _mm256_setzero_pd();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
        _mm256_storeu_ps(x + i, e);
        low = _mm256_add_pd(low, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        high = _mm256_add_pd(high, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, _mm256_add_pd(low, high));
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + exp_shifted_span_scalar(x + i, n - i, shift);
}
#endif

void gelu_tanh_span(float* x, std::size_t n) {
#if defined(__x86_64__) || defined(__i386__)
    if (cpu_has_avx2_fma()) {
        gelu_tanh_span_avx2(x, n);
        return;
    }
#endif
    gelu_tanh_span_scalar(x, n);
}

void silu_mul_span(float* gate, const float* up, std::size_t n) {
#if defined(__x86_64__) || defined(__i386__)
    if (cpu_has_avx2_fma()) {
        silu_mul_span_avx2(gate, up, n);
        return;
    }
#endif
    silu_mul_span_scalar(gate, up, n);
}

double exp_shifted_span(float* x, std::size_t n, float shift) {
#if defined(__x86_64__) || defined(__i386__)
    if (cpu_has_avx2_fma()) {
        return exp_shifted_span_avx2(x, n, shift);
    }
#endif
    return exp_shifted_span_scalar(x, n, shift);
}

} // namespace nanovlm::kernels
