#pragma once

#include <cstddef>

namespace nanovlm::kernels {

// The elementwise work built on e^x: GELU (tanh form) after the ViT's fc1, SiLU(gate)·up in the
// LM's MLP, and the exponentials of every attention softmax row. Calling libm's expf per element
// took about 5% of the 222M model's time to first token (perf); the AVX2 versions evaluate eight
// exponentials at once with a Cephes-style polynomial (about 2 ulp). Each runs the AVX2 version
// when the CPU has AVX2 and FMA, else its scalar twin (std::exp), which the tests also run.

// x[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), nn.GELU(approximate='tanh').
void gelu_tanh_span(float* x, std::size_t n);
// gate[i] = gate[i] / (1 + e^(−gate[i])) · up[i].
void silu_mul_span(float* gate, const float* up, std::size_t n);
// x[i] = e^(x[i] − shift); returns Σ x[i], summed in double.
double exp_shifted_span(float* x, std::size_t n, float shift);

void gelu_tanh_span_scalar(float* x, std::size_t n);
void silu_mul_span_scalar(float* gate, const float* up, std::size_t n);
double exp_shifted_span_scalar(float* x, std::size_t n, float shift);

#if defined(__x86_64__) || defined(__i386__)
// Only call these when cpu_has_avx2_fma() (int8_kernels.h).
void gelu_tanh_span_avx2(float* x, std::size_t n);
void silu_mul_span_avx2(float* gate, const float* up, std::size_t n);
double exp_shifted_span_avx2(float* x, std::size_t n, float shift);
#endif

} // namespace nanovlm::kernels
