#include "gemm_avx512.h"

#include "avx512_sum.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace nanovlm::kernels {

#if defined(__x86_64__)

bool cpu_has_avx512() {
    static const bool has = [] {
        const char* wanted = std::getenv("NANOVLM_AVX512");
        if (wanted != nullptr && std::strcmp(wanted, "0") == 0) {
            return false;
        }
        __builtin_cpu_init();
        return bool(__builtin_cpu_supports("avx512f"));
    }();
    return has;
}

namespace {

constexpr int kTileRows = 4;
constexpr int kTileCols = 6;

// A's rows are taken in blocks of about kBlockFloats values (half of a 1 MiB L2 cache), and
// longer dot products summed in slices of at most kMaxSlice terms, so that the block stays in
// the L2 cache while every weight tile passes over it.
constexpr int kBlockFloats = 1 << 17;
constexpr int kMaxSlice = 1024;

// c[i][j] (+)= alpha · Σ_p a[i][p]·b[j][p] for an RM × RN tile over k terms.
template <int RM, int RN>
__attribute__((target("avx512f"))) void tile(const float* a, int lda, const float* b, int ldb,
                                             float* c, int ldc, int k, float alpha,
                                             bool accumulate) {
    __m512 sum[RM][RN];
#pragma GCC unroll 4
    for (int i = 0; i < RM; ++i) {
#pragma GCC unroll 6
        for (int j = 0; j < RN; ++j) {
            sum[i][j] = _mm512_setzero_ps();
        }
    }
    int p = 0;
    for (; p + 16 <= k; p += 16) {
        __m512 bv[RN];
#pragma GCC unroll 6
        for (int j = 0; j < RN; ++j) {
            bv[j] = _mm512_loadu_ps(b + std::ptrdiff_t(j) * ldb + p);
        }
#pragma GCC unroll 4
        for (int i = 0; i < RM; ++i) {
            const __m512 av = _mm512_loadu_ps(a + std::ptrdiff_t(i) * lda + p);
#pragma GCC unroll 6
            for (int j = 0; j < RN; ++j) {
                sum[i][j] = _mm512_fmadd_ps(av, bv[j], sum[i][j]);
            }
        }
    }
    if (p < k) {
        // The terms left, with the lanes past them loaded as zero.
        const auto lanes = __mmask16((1u << (k - p)) - 1);
        __m512 bv[RN];
#pragma GCC unroll 6
        for (int j = 0; j < RN; ++j) {
            bv[j] = _mm512_maskz_loadu_ps(lanes, b + std::ptrdiff_t(j) * ldb + p);
        }
#pragma GCC unroll 4
        for (int i = 0; i < RM; ++i) {
            const __m512 av = _mm512_maskz_loadu_ps(lanes, a + std::ptrdiff_t(i) * lda + p);
#pragma GCC unroll 6
            for (int j = 0; j < RN; ++j) {
                sum[i][j] = _mm512_fmadd_ps(av, bv[j], sum[i][j]);
            }
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < RM; ++i) {
        float* row = c + std::ptrdiff_t(i) * ldc;
#pragma GCC unroll 6
        for (int j = 0; j < RN; ++j) {
            const float value = alpha * sum16(sum[i][j]);
            row[j] = accumulate ? row[j] + value : value;
        }
    }
}

using TileFn = void (*)(const float*, int, const float*, int, float*, int, int, float, bool);

template <int RM, std::size_t... J>
constexpr std::array<TileFn, kTileCols> tile_row(std::index_sequence<J...>) {
    return {&tile<RM, int(J) + 1>...};
}

// kTiles[rm - 1][rn - 1]: the tile for rm rows and rn weight rows (the edges of C).
const std::array<std::array<TileFn, kTileCols>, kTileRows> kTiles = {
    tile_row<1>(std::make_index_sequence<kTileCols>()),
    tile_row<2>(std::make_index_sequence<kTileCols>()),
    tile_row<3>(std::make_index_sequence<kTileCols>()),
    tile_row<4>(std::make_index_sequence<kTileCols>())};

} // namespace

void gemm_nt_avx512(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m,
                    int n, int k, float alpha) {
    if (k <= 0) {
        for (int i = 0; i < m; ++i) {
            std::fill_n(c + std::ptrdiff_t(i) * ldc, n, 0.0f);
        }
        return;
    }
    const int slices = (k + kMaxSlice - 1) / kMaxSlice;
    const int slice = ((k + slices - 1) / slices + 15) / 16 * 16;
    const int block = std::max(kTileRows, kBlockFloats / slice / kTileRows * kTileRows);
    for (int i0 = 0; i0 < m; i0 += block) {
        const int rows = std::min(block, m - i0);
        for (int p = 0; p < k; p += slice) {
            const int terms = std::min(slice, k - p);
            // Each weight tile stays in L1 while it meets every row of the block.
            for (int j = 0; j < n; j += kTileCols) {
                const int rn = std::min(kTileCols, n - j);
                for (int i = i0; i < i0 + rows; i += kTileRows) {
                    const int rm = std::min(kTileRows, i0 + rows - i);
                    kTiles[rm - 1][rn - 1](
                        a + std::ptrdiff_t(i) * lda + p, lda, b + std::ptrdiff_t(j) * ldb + p, ldb,
                        c + std::ptrdiff_t(i) * ldc + j, ldc, terms, alpha, p > 0);
                }
            }
        }
    }
}

#else

bool cpu_has_avx512() {
    return false;
}

void gemm_nt_avx512(const float*, int, const float*, int, float*, int, int, int, int, float) {
    std::abort();
}

#endif

} // namespace nanovlm::kernels
