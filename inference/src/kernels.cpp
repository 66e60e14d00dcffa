#include "kernels.h"

#include "thread_pool.h"

#include <cblas.h> // cblas_sgemm, cblas_sgemv, openblas_set_num_threads

#include <algorithm>
#include <cmath>

namespace nanovlm::kernels {
namespace {

// Elementwise work below this many values is not worth waking the other threads for.
constexpr std::size_t kParallelGrain = 1 << 14;

template <typename Fn> void for_range(std::size_t n, ThreadPool& pool, Fn&& fn) {
    if (n < kParallelGrain) {
        fn(std::size_t(0), n);
        return;
    }
    const int chunks = int(std::min<std::size_t>(n / (kParallelGrain / 4), 256));
    pool.parallel_for(chunks, [&](int b, int e, int) {
        fn(n * std::size_t(b) / std::size_t(chunks), n * std::size_t(e) / std::size_t(chunks));
    });
}

} // namespace

void set_blas_threads(int threads) {
    openblas_set_num_threads(std::max(1, threads));
}

void linear(const Linear& l, const float* x, int rows, float* y) {
    if (rows == 1) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, l.out, l.in, 1.0f, l.weight, l.in, x, 1, 0.0f, y,
                    1);
    } else {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, l.out, l.in, 1.0f, x, l.in,
                    l.weight, l.in, 0.0f, y, l.out);
    }
    if (l.bias != nullptr) {
        for (int r = 0; r < rows; ++r) {
            float* row = y + std::size_t(r) * l.out;
            for (int o = 0; o < l.out; ++o) {
                row[o] += l.bias[o];
            }
        }
    }
}

void matmul_nt(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k, float alpha) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, alpha, a, lda, b, ldb, 0.0f, c,
                ldc);
}

void matmul_nn(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c,
                ldc);
}

void layer_norm(const float* x, int rows, int dim, const LayerNormWeights& w, float eps, float* y,
                ThreadPool& pool) {
    pool.parallel_for(rows, [&](int begin, int end, int) {
        for (int r = begin; r < end; ++r) {
            const float* in = x + std::size_t(r) * dim;
            float* out = y + std::size_t(r) * dim;
            double sum = 0.0;
            for (int i = 0; i < dim; ++i) {
                sum += in[i];
            }
            const float mean = float(sum / dim);
            double var = 0.0;
            for (int i = 0; i < dim; ++i) {
                const double d = double(in[i]) - mean;
                var += d * d;
            }
            const float inv = 1.0f / std::sqrt(float(var / dim) + eps);
            for (int i = 0; i < dim; ++i) {
                out[i] = (in[i] - mean) * inv * w.weight[i] + w.bias[i];
            }
        }
    });
}

void rms_norm(const float* x, int rows, int dim, const float* w, float eps, float* y,
              ThreadPool& pool) {
    pool.parallel_for(rows, [&](int begin, int end, int) {
        for (int r = begin; r < end; ++r) {
            const float* in = x + std::size_t(r) * dim;
            float* out = y + std::size_t(r) * dim;
            double sum = 0.0;
            for (int i = 0; i < dim; ++i) {
                sum += double(in[i]) * in[i];
            }
            const float irms = 1.0f / std::sqrt(float(sum / dim) + eps);
            for (int i = 0; i < dim; ++i) {
                out[i] = in[i] * irms * w[i];
            }
        }
    });
}

void gelu_tanh(float* x, std::size_t n, ThreadPool& pool) {
    constexpr float kSqrt2OverPi = 0.7978845608028654f;
    for_range(n, pool, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const float v = x[i];
            x[i] = 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
        }
    });
}

void silu_mul(float* gate, const float* up, std::size_t n, ThreadPool& pool) {
    for_range(n, pool, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const float g = gate[i];
            gate[i] = g / (1.0f + std::exp(-g)) * up[i];
        }
    });
}

void add(float* y, const float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        y[i] += x[i];
    }
}

void softmax(float* x, int n) {
    float max = x[0];
    for (int i = 1; i < n; ++i) {
        max = std::max(max, x[i]);
    }
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - max);
        sum += x[i];
    }
    const float inv = float(1.0 / sum);
    for (int i = 0; i < n; ++i) {
        x[i] *= inv;
    }
}

} // namespace nanovlm::kernels
