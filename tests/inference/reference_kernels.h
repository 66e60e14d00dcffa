#pragma once

// Naive scalar twins of inference/src/kernels.h, written from the PyTorch definitions in double
// precision with plain loops: no BLAS, no threads, no shortcuts. tst_kernels compares each engine
// kernel against its twin here. Inputs are the same float arrays the engine kernel reads; outputs
// are doubles, so the twin adds (almost) no rounding error of its own.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers> // std::numbers::pi
#include <vector>

namespace reference {

// nn.Linear: y[r, o] = Σ_i x[r, i] · weight[o, i] + bias[o]; weight [out, in], bias [out] or null.
inline std::vector<double> linear(const float* weight, const float* bias, int out, int in,
                                  const float* x, int rows) {
    std::vector<double> y(std::size_t(rows) * out);
    for (int r = 0; r < rows; ++r) {
        for (int o = 0; o < out; ++o) {
            double sum = bias != nullptr ? double(bias[o]) : 0.0;
            for (int i = 0; i < in; ++i) {
                sum += double(x[std::size_t(r) * in + i]) * double(weight[std::size_t(o) * in + i]);
            }
            y[std::size_t(r) * out + o] = sum;
        }
    }
    return y;
}

// C[m, n] = alpha · A[m, k] · B[n, k]ᵀ, A and B read with row strides lda and ldb; C dense [m, n].
inline std::vector<double> matmul_nt(const float* a, int lda, const float* b, int ldb, int m, int n,
                                     int k, double alpha) {
    std::vector<double> c(std::size_t(m) * n);
    for (int i = 0; i < m; ++i) {
        for (int j = 0; j < n; ++j) {
            double sum = 0.0;
            for (int p = 0; p < k; ++p) {
                sum += double(a[std::size_t(i) * lda + p]) * double(b[std::size_t(j) * ldb + p]);
            }
            c[std::size_t(i) * n + j] = alpha * sum;
        }
    }
    return c;
}

// C[m, n] = A[m, k] · B[k, n], A and B read with row strides lda and ldb; C dense [m, n].
inline std::vector<double> matmul_nn(const float* a, int lda, const float* b, int ldb, int m, int n,
                                     int k) {
    std::vector<double> c(std::size_t(m) * n);
    for (int i = 0; i < m; ++i) {
        for (int j = 0; j < n; ++j) {
            double sum = 0.0;
            for (int p = 0; p < k; ++p) {
                sum += double(a[std::size_t(i) * lda + p]) * double(b[std::size_t(p) * ldb + j]);
            }
            c[std::size_t(i) * n + j] = sum;
        }
    }
    return c;
}

// nn.LayerNorm over the last dimension: (x − mean) / sqrt(var + eps) · weight + bias, with the
// biased variance mean((x − mean)²).
inline std::vector<double> layer_norm(const float* x, int rows, int dim, const float* weight,
                                      const float* bias, double eps) {
    std::vector<double> y(std::size_t(rows) * dim);
    for (int r = 0; r < rows; ++r) {
        const float* in = x + std::size_t(r) * dim;
        double mean = 0.0;
        for (int i = 0; i < dim; ++i) {
            mean += in[i];
        }
        mean /= dim;
        double var = 0.0;
        for (int i = 0; i < dim; ++i) {
            var += (in[i] - mean) * (in[i] - mean);
        }
        var /= dim;
        for (int i = 0; i < dim; ++i) {
            y[std::size_t(r) * dim + i] =
                (in[i] - mean) / std::sqrt(var + eps) * double(weight[i]) + double(bias[i]);
        }
    }
    return y;
}

// nanoVLM's RMSNorm (models/language_model.py): x · rsqrt(mean(x²) + eps) · weight.
inline std::vector<double> rms_norm(const float* x, int rows, int dim, const float* weight,
                                    double eps) {
    std::vector<double> y(std::size_t(rows) * dim);
    for (int r = 0; r < rows; ++r) {
        const float* in = x + std::size_t(r) * dim;
        double mean_square = 0.0;
        for (int i = 0; i < dim; ++i) {
            mean_square += double(in[i]) * double(in[i]);
        }
        mean_square /= dim;
        for (int i = 0; i < dim; ++i) {
            y[std::size_t(r) * dim + i] = in[i] / std::sqrt(mean_square + eps) * double(weight[i]);
        }
    }
    return y;
}

// nn.GELU(approximate='tanh'): 0.5 · x · (1 + tanh(sqrt(2/π) · (x + 0.044715 · x³))).
inline std::vector<double> gelu_tanh(const float* x, std::size_t n) {
    const double sqrt_2_over_pi = std::sqrt(2.0 / std::numbers::pi);
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = x[i];
        y[i] = 0.5 * v * (1.0 + std::tanh(sqrt_2_over_pi * (v + 0.044715 * v * v * v)));
    }
    return y;
}

// LanguageModelMLP's SwiGLU: silu(gate) · up, silu(g) = g · sigmoid(g) = g / (1 + e^−g).
inline std::vector<double> silu_mul(const float* gate, const float* up, std::size_t n) {
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double g = gate[i];
        y[i] = g / (1.0 + std::exp(-g)) * double(up[i]);
    }
    return y;
}

// y + x.
inline std::vector<double> add(const float* y, const float* x, std::size_t n) {
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = double(y[i]) + double(x[i]);
    }
    return out;
}

// torch.softmax of one row: exp(x − max) / Σ exp(x − max).
inline std::vector<double> softmax(const float* x, int n) {
    double max = x[0];
    for (int i = 1; i < n; ++i) {
        max = std::max(max, double(x[i]));
    }
    std::vector<double> y(std::size_t(n), 0.0);
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        y[i] = std::exp(double(x[i]) - max);
        sum += y[i];
    }
    for (double& v : y) {
        v /= sum;
    }
    return y;
}

} // namespace reference
