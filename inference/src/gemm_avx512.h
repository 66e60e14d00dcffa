#pragma once

namespace nanovlm::kernels {

// The products of several rows with a weight matrix (the ViT, the prompt) and attention's Q·Kᵀ
// (long heads), on CPUs with AVX-512. Debian's OpenBLAS copies ("packs") the weight matrix into its
// blocked layout on every call, which a product of 68 prompt rows pays dearly for, and its AVX2
// kernels use half of such a CPU's vector width. Here both operands are read where they lie, each
// output a dot product along k: a tile of 4 rows × 6 weight rows keeps 24 sums in registers and
// loads 10 vectors per 24 multiply-adds. On the reference machine (Zen 5, one thread) this runs the
// 222M and 460M models' products at 130–180 GFLOP/s against OpenBLAS's 90–100.

// Whether the CPU (and OS) run AVX-512F, and NANOVLM_AVX512 is not "0" (which measures the
// OpenBLAS path on the same machine).
bool cpu_has_avx512();

// Shorter dot products (attention heads of 64) go to OpenBLAS: with few terms, a tile's 24
// horizontal sums cost more than its multiply-adds (75–85 GFLOP/s against OpenBLAS's 95).
constexpr int kAvx512MinTerms = 128;

// C[m, n] = alpha · A[m, k] · B[n, k]ᵀ with row strides lda, ldb, ldc, on the calling thread.
// Only call it when cpu_has_avx512().
void gemm_nt_avx512(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m,
                    int n, int k, float alpha);

} // namespace nanovlm::kernels
