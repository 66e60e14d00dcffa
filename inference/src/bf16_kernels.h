#pragma once

#include <cstddef>
#include <cstdint>

namespace nanovlm::kernels {

// Kernels over bf16 weights (bf16.h): row o of a [out, in] matrix is w[o, :] widened to float.
// kernels::linear calls them for a Linear that carries bweight; the tests compare each vector
// kernel with the scalar twin and with a double-precision reference.

// y[o] = Σ_i w[o, i] · x[i] for o in [lo, hi): the decoding GEMV. Each weight is widened exactly
// to float and multiplied with the float activation, summed in float: the only error beyond
// f32's is the weights' rounding to bf16. Runs the AVX-512 kernel when cpu_has_avx512(), else
// the AVX2 one when the CPU has AVX2 and FMA, else the scalar twin.
void gemv_bf16(const std::uint16_t* w, int in, const float* x, float* y, int lo, int hi);

// The portable twin of the vector kernels, used on CPUs without AVX2/FMA.
void gemv_bf16_scalar(const std::uint16_t* w, int in, const float* x, float* y, int lo, int hi);

#if defined(__x86_64__) || defined(__i386__)
// AVX2 + FMA. Only call it when cpu_has_avx2_fma() (int8_kernels.h).
void gemv_bf16_avx2(const std::uint16_t* w, int in, const float* x, float* y, int lo, int hi);
// AVX-512F. Only call it when cpu_has_avx512() (gemm_avx512.h).
void gemv_bf16_avx512(const std::uint16_t* w, int in, const float* x, float* y, int lo, int hi);
#endif

// out[r, i] = w[r, i] widened to float for `rows` rows of `in` values: the prefill path turns a
// block of rows back into floats for the float products.
void widen_bf16_rows(const std::uint16_t* w, int rows, int in, float* out);

} // namespace nanovlm::kernels
