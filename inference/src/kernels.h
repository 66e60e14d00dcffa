#pragma once

#include "weights.h"

#include <cstddef>

namespace nanovlm {

class ThreadPool;

// The kernel seam: the only file that calls cblas_*. Each kernel has a naive twin in
// tests/inference/reference_kernels.h that the property tests compare against.
namespace kernels {

// OpenBLAS runs single-threaded: the engine splits every product across its own pool instead, so
// BLAS threads spinning after a call never compete with the pool for the cores.
void use_single_threaded_blas();

// y[rows, l.out] = x[rows, l.in] · l.weightᵀ + l.bias (nn.Linear). The output features are
// split across the pool's threads (a GEMV per slice when rows == 1: decoding). A Linear with an
// int8 copy (qweight) runs int8_kernels.h: its GEMV, or for rows > 1 blocks of rows dequantized
// into the pool's scratch, which must hold linear_scratch_floats(l.in) floats per thread. One
// with a bf16 copy (bweight) runs bf16_kernels.h the same way.
void linear(const Linear& l, const float* x, int rows, float* y, ThreadPool& pool);

// Pool scratch per thread that int8 or bf16 layers of `max_in` inputs need (0 for none).
std::size_t linear_scratch_floats(int max_in);

// C[m, n] = alpha · A[m, k] · B[n, k]ᵀ with leading dimensions (row strides) lda, ldb, ldc;
// rows of C split across the pool.
void matmul_nt(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k, float alpha, ThreadPool& pool);
// The same two products on the calling thread alone (work already split by the caller).
void matmul_nt(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k, float alpha);
void matmul_nn(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k);
// C[m, n] = A[m, k] · B[k, n], rows of C split across the pool.
void matmul_nn(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k, ThreadPool& pool);

// nn.LayerNorm over the last dimension (biased variance).
void layer_norm(const float* x, int rows, int dim, const LayerNormWeights& w, float eps, float* y,
                ThreadPool& pool);
// nanoVLM RMSNorm: x · rsqrt(mean(x²) + eps) · w.
void rms_norm(const float* x, int rows, int dim, const float* w, float eps, float* y,
              ThreadPool& pool);
// nn.GELU(approximate='tanh'), in place.
void gelu_tanh(float* x, std::size_t n, ThreadPool& pool);
// gate = silu(gate) · up, in place on gate (the SwiGLU of LanguageModelMLP).
void silu_mul(float* gate, const float* up, std::size_t n, ThreadPool& pool);
// y += x.
void add(float* y, const float* x, std::size_t n);
// Numerically stable softmax of one row, in place.
void softmax(float* x, int n);

} // namespace kernels
} // namespace nanovlm
