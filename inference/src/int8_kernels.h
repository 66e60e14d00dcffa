#pragma once

#include <cstddef>
#include <cstdint>

namespace nanovlm::kernels {

// Kernels over per-row symmetric int8 weights (quantized.h): row o of a [out, in] matrix is
// q[o, :] · scales[o]. kernels::linear calls them for a Linear that carries qweight; the tests
// compare the AVX2 kernel with its scalar twin and with a double-precision reference.

// y[o] = scales[o] · Σ_i q[o, i] · x[i] for o in [lo, hi): the decoding GEMV. The weights are
// widened to float and multiplied with the float activations, so the only error beyond f32's
// is the weights' quantization. Runs the AVX2 kernel when the CPU has AVX2 and FMA, else the
// scalar twin.
void gemv_int8(const std::int8_t* q, const float* scales, int in, const float* x, float* y, int lo,
               int hi);

// The portable twin of the AVX2 kernel, used on CPUs without AVX2/FMA.
void gemv_int8_scalar(const std::int8_t* q, const float* scales, int in, const float* x, float* y,
                      int lo, int hi);

// True when this CPU runs gemv_int8_avx2 (checked once with __builtin_cpu_supports).
bool cpu_has_avx2_fma();

#if defined(__x86_64__) || defined(__i386__)
// AVX2 + FMA, one row at a time. Only call it when cpu_has_avx2_fma().
void gemv_int8_avx2(const std::int8_t* q, const float* scales, int in, const float* x, float* y,
                    int lo, int hi);
#endif

// out[r, i] = q[r, i] · scales[r] for `rows` rows of `in` values: the prefill path turns a block
// of rows back into floats for cblas_sgemm.
void dequantize_rows(const std::int8_t* q, const float* scales, int rows, int in, float* out);

} // namespace nanovlm::kernels
