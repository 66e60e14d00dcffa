#include "kernels.h"

#include "bf16_kernels.h"
#include "exp_kernels.h"
#include "gemm_avx512.h"
#include "int8_kernels.h"
#include "nanovlm/runtime.h"
#include "thread_pool.h"

#include <cblas.h> // cblas_sgemm, cblas_sgemv, openblas_set_num_threads, openblas_get_corename

#include <algorithm>
#include <cmath>
#include <string>

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

void use_single_threaded_blas() {
    openblas_set_num_threads(1);
}

namespace {

// Products smaller than this many multiply-adds run on the calling thread alone.
constexpr std::size_t kParallelMacs = 1 << 16;

// Weight rows the int8 and bf16 prefills widen to floats for one product: wide enough for an
// efficient product, and the widening costs 1/rows of the product it feeds.
constexpr int kDequantRows = 64;

void add_bias(const Linear& l, int rows, float* y, int lo, int hi) {
    if (l.bias != nullptr) {
        for (int r = 0; r < rows; ++r) {
            float* row = y + std::size_t(r) * l.out;
            for (int o = lo; o < hi; ++o) {
                row[o] += l.bias[o];
            }
        }
    }
}

void linear_slice(const Linear& l, const float* x, int rows, float* y, int lo, int hi) {
    const int n = hi - lo;
    const float* w = l.weight + std::size_t(lo) * l.in;
    if (rows == 1) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, n, l.in, 1.0f, w, l.in, x, 1, 0.0f, y + lo, 1);
    } else {
        matmul_nt(x, l.in, w, l.in, y + lo, l.out, rows, n, l.in, 1.0f);
    }
    add_bias(l, rows, y, lo, hi);
}

void linear_slice_int8(const Linear& l, const float* x, int rows, float* y, int lo, int hi,
                       float* scratch) {
    if (rows == 1) {
        gemv_int8(l.qweight, l.scales, l.in, x, y, lo, hi);
    } else {
        for (int b = lo; b < hi; b += kDequantRows) {
            const int n = std::min(kDequantRows, hi - b);
            dequantize_rows(l.qweight + std::size_t(b) * l.in, l.scales + b, n, l.in, scratch);
            matmul_nt(x, l.in, scratch, l.in, y + b, l.out, rows, n, l.in, 1.0f);
        }
    }
    add_bias(l, rows, y, lo, hi);
}

void linear_slice_bf16(const Linear& l, const float* x, int rows, float* y, int lo, int hi,
                       float* scratch) {
    if (rows == 1) {
        gemv_bf16(l.bweight, l.in, x, y, lo, hi);
    } else {
        for (int b = lo; b < hi; b += kDequantRows) {
            const int n = std::min(kDequantRows, hi - b);
            widen_bf16_rows(l.bweight + std::size_t(b) * l.in, n, l.in, scratch);
            matmul_nt(x, l.in, scratch, l.in, y + b, l.out, rows, n, l.in, 1.0f);
        }
    }
    add_bias(l, rows, y, lo, hi);
}

// Splits [0, n) into `parts` slices whose bounds are multiples of 16 (whole cache lines).
int slice_bound(int n, int part, int parts) {
    if (part >= parts) {
        return n;
    }
    return std::min(n, int(std::int64_t(n) * part / parts) / 16 * 16);
}

template <typename Fn> void split_rows(int n, std::size_t macs, ThreadPool& pool, Fn&& fn) {
    const int parts = macs < kParallelMacs ? 1 : std::min(pool.size(), std::max(1, n / 16));
    if (parts == 1) {
        fn(0, n, 0);
        return;
    }
    pool.parallel_for(parts, [&](int begin, int end, int thread) {
        for (int part = begin; part < end; ++part) {
            const int lo = slice_bound(n, part, parts), hi = slice_bound(n, part + 1, parts);
            if (hi > lo) {
                fn(lo, hi, thread);
            }
        }
    });
}

} // namespace

void linear(const Linear& l, const float* x, int rows, float* y, ThreadPool& pool) {
    split_rows(l.out, std::size_t(rows) * l.out * l.in, pool, [&](int lo, int hi, int thread) {
        if (l.qweight != nullptr) {
            linear_slice_int8(l, x, rows, y, lo, hi, pool.scratch(thread));
        } else if (l.bweight != nullptr) {
            linear_slice_bf16(l, x, rows, y, lo, hi, pool.scratch(thread));
        } else {
            linear_slice(l, x, rows, y, lo, hi);
        }
    });
}

std::size_t linear_scratch_floats(int max_in) {
    return std::size_t(kDequantRows) * std::size_t(max_in);
}

void matmul_nt(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k, float alpha) {
    if (k >= kAvx512MinTerms && cpu_has_avx512()) {
        gemm_nt_avx512(a, lda, b, ldb, c, ldc, m, n, k, alpha);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, alpha, a, lda, b, ldb, 0.0f, c,
                ldc);
}

void matmul_nn(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c,
                ldc);
}

void matmul_nt(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k, float alpha, ThreadPool& pool) {
    split_rows(m, std::size_t(m) * n * k, pool, [&](int lo, int hi, int) {
        matmul_nt(a + std::size_t(lo) * lda, lda, b, ldb, c + std::size_t(lo) * ldc, ldc, hi - lo,
                  n, k, alpha);
    });
}

void matmul_nn(const float* a, int lda, const float* b, int ldb, float* c, int ldc, int m, int n,
               int k, ThreadPool& pool) {
    split_rows(m, std::size_t(m) * n * k, pool, [&](int lo, int hi, int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, hi - lo, n, k, 1.0f,
                    a + std::size_t(lo) * lda, lda, b, ldb, 0.0f, c + std::size_t(lo) * ldc, ldc);
    });
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
    for_range(n, pool,
              [&](std::size_t begin, std::size_t end) { gelu_tanh_span(x + begin, end - begin); });
}

void silu_mul(float* gate, const float* up, std::size_t n, ThreadPool& pool) {
    for_range(n, pool, [&](std::size_t begin, std::size_t end) {
        silu_mul_span(gate + begin, up + begin, end - begin);
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
    const float inv = float(1.0 / exp_shifted_span(x, std::size_t(n), max));
    for (int i = 0; i < n; ++i) {
        x[i] *= inv;
    }
}

} // namespace nanovlm::kernels

namespace nanovlm {

std::string matrix_kernels() {
    const std::string blas = std::string("OpenBLAS ") + openblas_get_corename();
    return kernels::cpu_has_avx512() ? "AVX-512 tiles; " + blas : blas;
}

} // namespace nanovlm
