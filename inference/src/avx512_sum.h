#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h> // compiled for AVX-512 per function, not for the whole build

namespace nanovlm::kernels {

// The sum of a vector's 16 lanes. (GCC 12 warns of the undefined vector inside
// _mm512_reduce_add_ps and _mm512_castps512_ps256; the masked extract names every input.)
__attribute__((target("avx512f"))) inline float sum16(__m512 v) {
    const __m512d bits = _mm512_castps_pd(v);
    const __m256d zero = _mm256_setzero_pd();
    const __m256 half =
        _mm256_add_ps(_mm256_castpd_ps(_mm512_mask_extractf64x4_pd(zero, 0xff, bits, 0)),
                      _mm256_castpd_ps(_mm512_mask_extractf64x4_pd(zero, 0xff, bits, 1)));
    __m128 quarter = _mm_add_ps(_mm256_castps256_ps128(half), _mm256_extractf128_ps(half, 1));
    quarter = _mm_add_ps(quarter, _mm_movehl_ps(quarter, quarter));
    quarter = _mm_add_ss(quarter, _mm_movehdup_ps(quarter));
    return _mm_cvtss_f32(quarter);
}

} // namespace nanovlm::kernels

#endif
