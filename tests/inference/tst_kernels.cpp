// Property tests of the kernel seam (inference/src/kernels.h) against the naive double-precision
// twins in reference_kernels.h, across shapes including odd and degenerate sizes, strided
// operands, both the GEMV (rows == 1) and GEMM paths, and the serial and threaded elementwise
// paths. Also the engine's ThreadPool: every index of [0, n) exactly once, for many n and thread
// counts, and thousands of calls in a row.

#include "random_values.h"
#include "reference_kernels.h"

#include "exp_kernels.h"
#include "gemm_avx512.h"
#include "int8_kernels.h"
#include "kernels.h"
#include "thread_pool.h"
#include "weights.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace {

// Written around every output buffer to show a kernel writing outside what it was given.
constexpr float kSentinel = 12345.0f;
constexpr int kGuard = 16;

// float32 sums of up to 257 products: the worst-case bound is k·2⁻²⁴ ≈ 1.5e-5 of Σ|terms|; the
// typical error, which random operands give, is well under 1e-6.
constexpr double kDotTolerance = 2e-6;

// max|got − ref| / max|ref| over n values; got[i] is read at got[i / cols * ld + i % cols] so a
// strided output can be compared with a dense reference.
double relative_error(const float* got, const std::vector<double>& ref, int cols = 0, int ld = 0) {
    double max_ref = 0.0, max_diff = 0.0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const std::size_t at = cols > 0 ? i / cols * ld + i % cols : i;
        if (!std::isfinite(got[at])) {
            return INFINITY;
        }
        max_ref = std::max(max_ref, std::abs(ref[i]));
        max_diff = std::max(max_diff, std::abs(double(got[at]) - ref[i]));
    }
    return max_ref > 0.0 ? max_diff / max_ref : max_diff;
}

// The dot-product error bound: |got − ref| ≤ tol · Σ|aᵢ·bᵢ| element by element, where
// `magnitude` is the same reference product taken over absolute values. Unlike a bound relative
// to max|ref|, it holds for outputs that cancel to near zero, and still catches a single term
// dropped or doubled.
double dot_error(const float* got, const std::vector<double>& ref,
                 const std::vector<double>& magnitude, int cols = 0, int ld = 0) {
    double worst = 0.0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const std::size_t at = cols > 0 ? i / cols * ld + i % cols : i;
        if (!std::isfinite(got[at])) {
            return INFINITY;
        }
        const double scale = std::max(magnitude[i], 1e-30);
        worst = std::max(worst, std::abs(double(got[at]) - ref[i]) / scale);
    }
    return worst;
}

std::vector<float> absolute(std::vector<float> v) {
    for (float& x : v) {
        x = std::abs(x);
    }
    return v;
}

QString dot_message(const char* what, double error, double bound) {
    return QString("%1: max error %2 of Σ|terms|, bound %3").arg(what).arg(error).arg(bound);
}

// A buffer of `n` values with kGuard sentinels on both sides; data() points past the front guard.
class GuardedBuffer {
public:
    explicit GuardedBuffer(std::size_t n) : values_(n + 2 * kGuard, kSentinel) {}
    float* data() { return values_.data() + kGuard; }
    bool guards_intact() const {
        for (int i = 0; i < kGuard; ++i) {
            if (values_[i] != kSentinel || values_[values_.size() - 1 - i] != kSentinel) {
                return false;
            }
        }
        return true;
    }

private:
    std::vector<float> values_;
};

// gelu_tanh and silu·up outputs of `input` against the double references, each to
// bound·max(1, |x|): empty when all agree, else the first disagreement.
QString gelu_silu_mismatch(const std::vector<float>& input, const std::vector<float>& up,
                           const std::vector<float>& gelu, const std::vector<float>& silu,
                           double bound) {
    const auto gelu_ref = reference::gelu_tanh(input.data(), input.size());
    const auto silu_ref = reference::silu_mul(input.data(), up.data(), input.size());
    for (std::size_t i = 0; i < input.size(); ++i) {
        const double tolerance = bound * std::max(1.0, std::abs(double(input[i])));
        if (std::abs(gelu[i] - gelu_ref[i]) > tolerance) {
            return QString("gelu_tanh(%1) = %2, expected %3")
                .arg(input[i])
                .arg(gelu[i])
                .arg(gelu_ref[i]);
        }
        if (std::abs(silu[i] - silu_ref[i]) > tolerance) {
            return QString("silu(%1)·up = %2, expected %3")
                .arg(input[i])
                .arg(silu[i])
                .arg(silu_ref[i]);
        }
    }
    return {};
}

QString fail_message(const char* what, double error, double bound) {
    return QString("%1: max error %2 relative to max|reference|, bound %3")
        .arg(what)
        .arg(error)
        .arg(bound);
}

// C[m, n] (row stride ldc) against the double reference of alpha · A · Bᵀ: empty when it agrees
// within kDotTolerance and the ldc padding and the guards are untouched, else what went wrong.
QString nt_product_mismatch(const char* what, GuardedBuffer& c, const std::vector<float>& a,
                            int lda, const std::vector<float>& b, int ldb, int ldc, int m, int n,
                            int k, float alpha) {
    const auto ref = reference::matmul_nt(a.data(), lda, b.data(), ldb, m, n, k, alpha);
    const auto abs_a = absolute(a), abs_b = absolute(b);
    const auto magnitude =
        reference::matmul_nt(abs_a.data(), lda, abs_b.data(), ldb, m, n, k, std::abs(alpha));
    const double error = dot_error(c.data(), ref, magnitude, n, ldc);
    if (error > kDotTolerance) {
        return dot_message(what, error, kDotTolerance);
    }
    for (int i = 0; i < m; ++i) {
        for (int j = n; j < ldc; ++j) {
            if (c.data()[std::size_t(i) * ldc + j] != kSentinel) {
                return QString("%1 wrote into the ldc padding of row %2").arg(what).arg(i);
            }
        }
    }
    return c.guards_intact() ? QString() : QString("%1 wrote outside C").arg(what);
}

} // namespace

class TestKernels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { nanovlm::kernels::use_single_threaded_blas(); }

    // --- linear ------------------------------------------------------------------------------

    void linear_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<int>("threads");
        for (int rows : {1, 3, 7, 17, 33, 129, 257}) {
            for (int in : {1, 7, 33, 257}) {
                for (int out : {1, 3, 17, 129, 257}) {
                    for (bool bias : {false, true}) {
                        QTest::addRow("rows=%d in=%d out=%d bias=%d", rows, in, out, int(bias))
                            << rows << in << out << bias << 1;
                        // Large enough products are split into column slices across the pool.
                        QTest::addRow("rows=%d in=%d out=%d bias=%d threads=3", rows, in, out,
                                      int(bias))
                            << rows << in << out << bias << 3;
                    }
                }
            }
        }
    }
    void linear() {
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(int, out);
        QFETCH(bool, bias);
        const auto weight = random_values(std::size_t(out) * in, 1 + rows + 7 * in + 31 * out);
        const auto b = random_values(std::size_t(out), 2 + rows, -0.5f, 0.5f);
        const auto x = random_values(std::size_t(rows) * in, 3 + out);
        const nanovlm::Linear l{weight.data(), bias ? b.data() : nullptr, out, in};
        GuardedBuffer y(std::size_t(rows) * out);
        QFETCH(int, threads);
        nanovlm::ThreadPool pool(threads);

        nanovlm::kernels::linear(l, x.data(), rows, y.data(), pool);

        const auto ref =
            reference::linear(weight.data(), bias ? b.data() : nullptr, out, in, x.data(), rows);
        const auto abs_w = absolute(weight), abs_b = absolute(b), abs_x = absolute(x);
        const auto magnitude = reference::linear(abs_w.data(), bias ? abs_b.data() : nullptr, out,
                                                 in, abs_x.data(), rows);
        const double error = dot_error(y.data(), ref, magnitude);
        QVERIFY2(error <= kDotTolerance, qPrintable(dot_message("linear", error, kDotTolerance)));
        QVERIFY2(y.guards_intact(), "linear wrote outside y[rows, out]");
    }

    // --- matmul_nt ---------------------------------------------------------------------------

    void matmul_nt_data() {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("pad_a");
        QTest::addColumn<int>("pad_b");
        QTest::addColumn<int>("pad_c");
        QTest::addColumn<float>("alpha");
        QTest::addColumn<int>("threads");
        for (int m : {1, 3, 17, 129, 257}) {
            for (int n : {1, 7, 33, 257}) {
                for (int k : {1, 3, 17, 129}) {
                    QTest::addRow("m=%d n=%d k=%d dense", m, n, k)
                        << m << n << k << 0 << 0 << 0 << 1.0f << 1;
                    QTest::addRow("m=%d n=%d k=%d strided", m, n, k)
                        << m << n << k << 5 << 2 * k + 3 << 3 << 0.37f << 1;
                    QTest::addRow("m=%d n=%d k=%d strided threads=3", m, n, k)
                        << m << n << k << 5 << 2 * k + 3 << 3 << 0.37f << 3;
                }
            }
        }
    }
    void matmul_nt() {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        QFETCH(int, pad_a);
        QFETCH(int, pad_b);
        QFETCH(int, pad_c);
        QFETCH(float, alpha);
        QFETCH(int, threads);
        nanovlm::ThreadPool pool(threads);
        const int lda = k + pad_a, ldb = k + pad_b, ldc = n + pad_c;
        const auto a = random_values(std::size_t(m) * lda, 11 + m + 3 * k);
        const auto b = random_values(std::size_t(n) * ldb, 12 + n + 5 * k);
        GuardedBuffer c(std::size_t(m) * ldc);

        nanovlm::kernels::matmul_nt(a.data(), lda, b.data(), ldb, c.data(), ldc, m, n, k, alpha,
                                    pool);

        const QString mismatch =
            nt_product_mismatch("matmul_nt", c, a, lda, b, ldb, ldc, m, n, k, alpha);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    }

    // The AVX-512 tiles by themselves (kernels::matmul_nt runs them only on such a CPU): every
    // edge tile, the masked tail of k, k long enough to be summed in slices, and rows in blocks.
    void gemm_nt_avx512_data() {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        for (int m : {1, 4, 5, 11}) {
            for (int n : {1, 6, 7, 13}) {
                for (int k : {1, 15, 16, 17, 1025, 2100}) {
                    QTest::addRow("m=%d n=%d k=%d", m, n, k) << m << n << k;
                }
            }
        }
        // Rows in two blocks (232 rows of two 560-term slices each).
        QTest::addRow("m=300 n=7 k=1100") << 300 << 7 << 1100;
    }
    void gemm_nt_avx512() {
        if (!nanovlm::kernels::cpu_has_avx512()) {
            QSKIP("this CPU has no AVX-512 (or NANOVLM_AVX512=0)");
        }
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        const int lda = k + 3, ldb = k + 5, ldc = n + 2;
        const float alpha = 0.37f;
        const auto a = random_values(std::size_t(m) * lda, 21 + m + 3 * k);
        const auto b = random_values(std::size_t(n) * ldb, 22 + n + 5 * k);
        GuardedBuffer c(std::size_t(m) * ldc);

        nanovlm::kernels::gemm_nt_avx512(a.data(), lda, b.data(), ldb, c.data(), ldc, m, n, k,
                                         alpha);

        const QString mismatch =
            nt_product_mismatch("gemm_nt_avx512", c, a, lda, b, ldb, ldc, m, n, k, alpha);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    }

    // NANOVLM_AVX512=0 (the *_openblas runs) turns the tiles off; otherwise the CPU decides.
    void avx512_switch_follows_environment() {
        const bool off = qgetenv("NANOVLM_AVX512") == "0";
#if defined(__x86_64__)
        const bool cpu = __builtin_cpu_supports("avx512f");
#else
        const bool cpu = false;
#endif
        QCOMPARE(nanovlm::kernels::cpu_has_avx512(), !off && cpu);
    }

    // The ViT's per-head use: q, k and v live side by side in one [N, 3·D] qkv buffer, so each
    // head reads hd columns with a row stride of 3·D, and the scores get scaled by 1/√hd.
    void matmul_nt_vit_heads_data() {
        QTest::addColumn<int>("patches");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("head_dim");
        QTest::addRow("fixture ViT 64 patches, 4x8") << 64 << 4 << 8;
        QTest::addRow("odd 17 patches, 3x7") << 17 << 3 << 7;
        QTest::addRow("siglip-like 257 patches, 12x64") << 257 << 12 << 64;
    }
    void matmul_nt_vit_heads() {
        QFETCH(int, patches);
        QFETCH(int, heads);
        QFETCH(int, head_dim);
        const int dim = heads * head_dim;
        const int stride = 3 * dim;
        const auto qkv = random_values(std::size_t(patches) * stride, 21 + patches + heads);
        const auto abs_qkv = absolute(qkv);
        nanovlm::ThreadPool pool(3);
        const float scale = 1.0f / std::sqrt(float(head_dim));
        for (int h = 0; h < heads; ++h) {
            const float* q = qkv.data() + h * head_dim;
            const float* k = qkv.data() + dim + h * head_dim;
            GuardedBuffer scores(std::size_t(patches) * patches);
            nanovlm::kernels::matmul_nt(q, stride, k, stride, scores.data(), patches, patches,
                                        patches, head_dim, scale, pool);
            const auto ref =
                reference::matmul_nt(q, stride, k, stride, patches, patches, head_dim, scale);
            const auto magnitude = reference::matmul_nt(abs_qkv.data() + h * head_dim, stride,
                                                        abs_qkv.data() + dim + h * head_dim, stride,
                                                        patches, patches, head_dim, scale);
            const double error = dot_error(scores.data(), ref, magnitude);
            QVERIFY2(error <= kDotTolerance,
                     qPrintable(dot_message(qPrintable(QString("head %1 scores").arg(h)), error,
                                            kDotTolerance)));
            QVERIFY2(scores.guards_intact(), "matmul_nt wrote outside the scores");
        }
    }

    // --- matmul_nn ---------------------------------------------------------------------------

    void matmul_nn_data() {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("pad_a");
        QTest::addColumn<int>("pad_b");
        QTest::addColumn<int>("pad_c");
        QTest::addColumn<int>("threads");
        for (int m : {1, 3, 17, 129, 257}) {
            for (int n : {1, 7, 33, 257}) {
                for (int k : {1, 3, 17, 129}) {
                    QTest::addRow("m=%d n=%d k=%d dense", m, n, k)
                        << m << n << k << 0 << 0 << 0 << 1;
                    QTest::addRow("m=%d n=%d k=%d strided", m, n, k)
                        << m << n << k << 3 << 2 * n + 1 << 5 << 1;
                    QTest::addRow("m=%d n=%d k=%d strided threads=3", m, n, k)
                        << m << n << k << 3 << 2 * n + 1 << 5 << 3;
                }
            }
        }
    }
    void matmul_nn() {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        QFETCH(int, pad_a);
        QFETCH(int, pad_b);
        QFETCH(int, pad_c);
        QFETCH(int, threads);
        nanovlm::ThreadPool pool(threads);
        const int lda = k + pad_a, ldb = n + pad_b, ldc = n + pad_c;
        const auto a = random_values(std::size_t(m) * lda, 31 + m + 3 * k);
        const auto b = random_values(std::size_t(k) * ldb, 32 + n + 5 * k);
        GuardedBuffer c(std::size_t(m) * ldc);

        nanovlm::kernels::matmul_nn(a.data(), lda, b.data(), ldb, c.data(), ldc, m, n, k, pool);

        const auto ref = reference::matmul_nn(a.data(), lda, b.data(), ldb, m, n, k);
        const auto abs_a = absolute(a), abs_b = absolute(b);
        const auto magnitude = reference::matmul_nn(abs_a.data(), lda, abs_b.data(), ldb, m, n, k);
        const double error = dot_error(c.data(), ref, magnitude, n, ldc);
        QVERIFY2(error <= kDotTolerance,
                 qPrintable(dot_message("matmul_nn", error, kDotTolerance)));
        for (int i = 0; i < m; ++i) {
            for (int j = n; j < ldc; ++j) {
                QVERIFY2(
                    c.data()[std::size_t(i) * ldc + j] == kSentinel,
                    qPrintable(QString("matmul_nn wrote into the ldc padding of row %1").arg(i)));
            }
        }
        QVERIFY2(c.guards_intact(), "matmul_nn wrote outside C");
    }

    // --- layer_norm / rms_norm ---------------------------------------------------------------

    void norms_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("dim");
        QTest::addColumn<float>("eps");
        QTest::addColumn<int>("threads");
        for (int rows : {1, 3, 7, 17, 33, 129}) {
            for (int dim : {1, 3, 7, 17, 33, 257, 768}) {
                for (int threads : {1, 3}) {
                    QTest::addRow("rows=%d dim=%d eps=1e-6 threads=%d", rows, dim, threads)
                        << rows << dim << 1e-6f << threads;
                }
                // A large eps shows where eps is added (inside the square root, to the variance).
                QTest::addRow("rows=%d dim=%d eps=0.5", rows, dim) << rows << dim << 0.5f << 2;
            }
        }
    }

    void layer_norm_data() {
        norms_data();
    }
    void layer_norm() {
        QFETCH(int, rows);
        QFETCH(int, dim);
        QFETCH(float, eps);
        QFETCH(int, threads);
        // Rows with a mean away from zero, so a missing mean subtraction shows.
        auto x = random_values(std::size_t(rows) * dim, 41 + rows + dim, -2.0f, 2.0f);
        const auto offsets = random_values(std::size_t(rows), 42 + rows, -1.5f, 1.5f);
        for (int r = 0; r < rows; ++r) {
            for (int i = 0; i < dim; ++i) {
                x[std::size_t(r) * dim + i] += offsets[r];
            }
        }
        const auto weight = random_values(std::size_t(dim), 43 + dim, 0.5f, 1.5f);
        const auto bias = random_values(std::size_t(dim), 44 + dim, -0.5f, 0.5f);
        nanovlm::ThreadPool pool(threads);
        GuardedBuffer y(std::size_t(rows) * dim);

        nanovlm::kernels::layer_norm(x.data(), rows, dim, {weight.data(), bias.data()}, eps,
                                     y.data(), pool);

        const auto ref =
            reference::layer_norm(x.data(), rows, dim, weight.data(), bias.data(), eps);
        const double error = relative_error(y.data(), ref);
        QVERIFY2(error <= 5e-6, qPrintable(fail_message("layer_norm", error, 5e-6)));
        QVERIFY2(y.guards_intact(), "layer_norm wrote outside y");
    }

    void rms_norm_data() {
        norms_data();
    }
    void rms_norm() {
        QFETCH(int, rows);
        QFETCH(int, dim);
        QFETCH(float, eps);
        QFETCH(int, threads);
        // Rows of very different scales (the residual stream grows from block to block).
        auto x = random_values(std::size_t(rows) * dim, 51 + rows + dim, -1.0f, 1.0f);
        for (int r = 0; r < rows; ++r) {
            const float scale = std::pow(10.0f, float(r % 5) - 2.0f);
            for (int i = 0; i < dim; ++i) {
                x[std::size_t(r) * dim + i] *= scale;
            }
        }
        const auto weight = random_values(std::size_t(dim), 52 + dim, 0.5f, 1.5f);
        nanovlm::ThreadPool pool(threads);
        GuardedBuffer y(std::size_t(rows) * dim);

        nanovlm::kernels::rms_norm(x.data(), rows, dim, weight.data(), eps, y.data(), pool);

        // Row by row: rows of scale 0.01 must be right too, not only the largest row.
        for (int r = 0; r < rows; ++r) {
            const float* row = x.data() + std::size_t(r) * dim;
            const auto ref = reference::rms_norm(row, 1, dim, weight.data(), eps);
            const double error = relative_error(y.data() + std::size_t(r) * dim, ref);
            QVERIFY2(error <= 2e-6,
                     qPrintable(
                         fail_message(qPrintable(QString("rms_norm row %1").arg(r)), error, 2e-6)));
        }
        QVERIFY2(y.guards_intact(), "rms_norm wrote outside y");
    }

    // --- elementwise -------------------------------------------------------------------------

    // Sizes on both sides of the threading grain (16384) and odd ones that split unevenly.
    void elementwise_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("threads");
        for (int n : {1, 3, 7, 17, 257, 16383, 16384, 16385, 100003, 1000003}) {
            for (int threads : {1, 4}) {
                QTest::addRow("n=%d threads=%d", n, threads) << n << threads;
            }
        }
    }

    void gelu_tanh_data() {
        elementwise_data();
    }
    void gelu_tanh() {
        QFETCH(int, n);
        QFETCH(int, threads);
        const auto input = random_values(std::size_t(n), 61 + n, -8.0f, 8.0f);
        std::vector<float> x = input;
        nanovlm::ThreadPool pool(threads);

        nanovlm::kernels::gelu_tanh(x.data(), x.size(), pool);

        // 1e-6 of the largest output separates the tanh form from the erf form (they differ by up
        // to 5e-4 near |x| = 2) as well as any chunk left unprocessed.
        const auto ref = reference::gelu_tanh(input.data(), input.size());
        const double error = relative_error(x.data(), ref);
        QVERIFY2(error <= 1e-6, qPrintable(fail_message("gelu_tanh", error, 1e-6)));
    }

    void silu_mul_data() {
        elementwise_data();
    }
    void silu_mul() {
        QFETCH(int, n);
        QFETCH(int, threads);
        const auto input = random_values(std::size_t(n), 71 + n, -10.0f, 10.0f);
        const auto up = random_values(std::size_t(n), 72 + n, -2.0f, 2.0f);
        std::vector<float> gate = input;
        nanovlm::ThreadPool pool(threads);

        nanovlm::kernels::silu_mul(gate.data(), up.data(), gate.size(), pool);

        const auto ref = reference::silu_mul(input.data(), up.data(), input.size());
        const double error = relative_error(gate.data(), ref);
        QVERIFY2(error <= 1e-6, qPrintable(fail_message("silu_mul", error, 1e-6)));
    }

    void add_data() {
        QTest::addColumn<int>("n");
        for (int n : {1, 3, 7, 17, 257, 16385, 1000003}) {
            QTest::addRow("n=%d", n) << n;
        }
    }
    void add() {
        QFETCH(int, n);
        const auto x = random_values(std::size_t(n), 81 + n, -3.0f, 3.0f);
        const auto y0 = random_values(std::size_t(n), 82 + n, -3.0f, 3.0f);
        std::vector<float> y = y0;

        nanovlm::kernels::add(y.data(), x.data(), y.size());

        // A float sum is the exactly rounded double sum.
        const auto ref = reference::add(y0.data(), x.data(), y0.size());
        int i = 0;
        while (i < n && y[i] == float(ref[i])) {
            ++i;
        }
        if (i < n) { // QVERIFY2 builds its message even when it passes: index only on failure
            QFAIL(qPrintable(
                QString("add: element %1 is %2, expected %3").arg(i).arg(y[i]).arg(float(ref[i]))));
        }
    }

    // Extreme inputs saturate instead of turning into NaN or infinity.
    void elementwise_extremes() {
        const std::vector<float> input = {-1e30f, -1e4f, -1000.0f, -100.0f, -20.0f, -0.0f, 0.0f,
                                          1e-30f, 20.0f, 100.0f,   1000.0f, 1e4f,   1e30f};
        nanovlm::ThreadPool pool(1);
        std::vector<float> gelu = input;
        nanovlm::kernels::gelu_tanh(gelu.data(), gelu.size(), pool);
        std::vector<float> silu = input;
        const std::vector<float> ones(input.size(), 1.0f);
        nanovlm::kernels::silu_mul(silu.data(), ones.data(), silu.size(), pool);
        const QString wrong = gelu_silu_mismatch(input, ones, gelu, silu, 1e-6);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    }

    // Both versions of the e^x kernels on this machine (the dispatched one runs only one of them):
    // the scalar twin and, where the CPU has it, AVX2. Lengths around the 8-wide vector and its
    // scalar tail; inputs across the range the model feeds them, and extremes.
    void exp_kernel_twins_data() {
        QTest::addColumn<bool>("avx2");
        QTest::addColumn<int>("n");
        for (const bool avx2 : {false, true}) {
            for (int n : {1, 7, 8, 9, 31, 1000, 16385}) {
                QTest::addRow("%s n=%d", avx2 ? "avx2" : "scalar", n) << avx2 << n;
            }
        }
    }
    void exp_kernel_twins() {
        QFETCH(bool, avx2);
        QFETCH(int, n);
        using namespace nanovlm::kernels;
        if (avx2 && !cpu_has_avx2_fma()) {
            QSKIP("this CPU has no AVX2/FMA");
        }
        auto input = random_values(std::size_t(n), 101 + n, -30.0f, 30.0f);
        const std::vector<float> extremes = {-1e30f, -1000.0f, -90.0f, -0.0f, 1e-30f, 90.0f, 1e30f};
        for (std::size_t i = 0; i < extremes.size() && i < input.size(); ++i) {
            input[i * input.size() / extremes.size()] = extremes[i];
        }
        const auto up = random_values(std::size_t(n), 102 + n, -2.0f, 2.0f);

        std::vector<float> gelu = input, silu = input;
        (avx2 ? gelu_tanh_span_avx2 : gelu_tanh_span_scalar)(gelu.data(), gelu.size());
        (avx2 ? silu_mul_span_avx2 : silu_mul_span_scalar)(silu.data(), up.data(), silu.size());
        const QString wrong = gelu_silu_mismatch(input, up, gelu, silu, 2e-6);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));

        // e^(x − shift) for x up to the shift, as a softmax row gives them: each value right to
        // 4e-7 of itself above 1e-30 (below, the AVX2 version stops at e^-87), and the sum.
        auto row = random_values(std::size_t(n), 103 + n, -60.0f, 0.0f);
        row[0] = 0.0f;
        std::vector<float> e = row;
        const double sum =
            (avx2 ? exp_shifted_span_avx2 : exp_shifted_span_scalar)(e.data(), e.size(), 0.0f);
        double ref_sum = 0.0;
        for (std::size_t i = 0; i < row.size(); ++i) {
            const double ref = std::exp(double(row[i]));
            ref_sum += ref;
            if (ref > 1e-30) {
                QVERIFY2(std::abs(e[i] - ref) <= 4e-7 * ref,
                         qPrintable(
                             QString("exp(%1) = %2, expected %3").arg(row[i]).arg(e[i]).arg(ref)));
            }
        }
        QVERIFY2(std::abs(sum - ref_sum) <= 1e-6 * ref_sum,
                 qPrintable(
                     QString("sum %1, expected %2").arg(sum, 0, 'g', 10).arg(ref_sum, 0, 'g', 10)));
    }

    // --- softmax -----------------------------------------------------------------------------

    void softmax_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<float>("offset");
        QTest::addColumn<float>("spread");
        for (int n : {1, 2, 3, 7, 17, 129, 257, 4099, 49218}) {
            QTest::addRow("n=%d", n) << n << 0.0f << 10.0f;
            // exp(1000) overflows a float: only a max-subtracted softmax survives these.
            QTest::addRow("n=%d offset=+1000", n) << n << 1000.0f << 10.0f;
            QTest::addRow("n=%d offset=-1000", n) << n << -1000.0f << 10.0f;
            QTest::addRow("n=%d peaked", n) << n << 0.0f << 80.0f;
        }
    }
    void softmax() {
        QFETCH(int, n);
        QFETCH(float, offset);
        QFETCH(float, spread);
        auto input = random_values(std::size_t(n), 91 + n, -spread, spread);
        for (float& v : input) {
            v += offset;
        }
        std::vector<float> x = input;

        nanovlm::kernels::softmax(x.data(), n);

        const auto ref = reference::softmax(input.data(), n);
        const double error = relative_error(x.data(), ref);
        QVERIFY2(error <= 1e-6, qPrintable(fail_message("softmax", error, 1e-6)));
        double sum = 0.0;
        for (float v : x) {
            QVERIFY2(v >= 0.0f, "softmax gave a negative probability");
            sum += v;
        }
        QVERIFY2(std::abs(sum - 1.0) <= 1e-5,
                 qPrintable(QString("softmax sums to %1").arg(sum, 0, 'g', 10)));
        // Each probability is right to a few float roundings relative to itself, not only to the
        // largest one (attention weights of far-back positions are small, not negligible).
        for (int i = 0; i < n; ++i) {
            if (ref[i] > 1e-30) {
                QVERIFY2(std::abs(x[i] - ref[i]) <= 1e-5 * ref[i],
                         qPrintable(QString("softmax element %1 is %2, expected %3")
                                        .arg(i)
                                        .arg(x[i])
                                        .arg(ref[i])));
            }
        }
    }

    // --- ThreadPool ----------------------------------------------------------------------------

    void pool_size() {
        QCOMPARE(nanovlm::ThreadPool(0).size(), 1);
        QCOMPARE(nanovlm::ThreadPool(1).size(), 1);
        QCOMPARE(nanovlm::ThreadPool(5).size(), 5);
    }

    void parallel_for_covers_range_once_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("n");
        for (int threads : {1, 2, 3, 4, 7, 16}) {
            for (int n : {0, 1, 2, 3, 5, 7, 15, 16, 17, 63, 64, 65, 1000, 4099}) {
                QTest::addRow("threads=%d n=%d", threads, n) << threads << n;
            }
        }
    }
    void parallel_for_covers_range_once() {
        QFETCH(int, threads);
        QFETCH(int, n);
        nanovlm::ThreadPool pool(threads);
        std::vector<std::atomic<int>> hits(std::size_t(std::max(n, 1)));
        std::atomic<int> bad_chunks{0};
        pool.parallel_for(n, [&](int begin, int end, int thread) {
            if (begin < 0 || end > n || begin >= end || thread < 0 || thread >= pool.size()) {
                bad_chunks.fetch_add(1);
                return;
            }
            for (int i = begin; i < end; ++i) {
                hits[std::size_t(i)].fetch_add(1);
            }
        });
        QCOMPARE(bad_chunks.load(), 0);
        for (int i = 0; i < n; ++i) {
            QVERIFY2(hits[std::size_t(i)].load() == 1,
                     qPrintable(QString("index %1 was visited %2 times")
                                    .arg(i)
                                    .arg(hits[std::size_t(i)].load())));
        }
        if (n == 0) {
            QCOMPARE(hits[0].load(), 0);
        }
    }

    // The pool runs once per token and per layer: thousands of short calls in a row must neither
    // lose a chunk nor hang, and every call returns only after all of its chunks ran.
    void parallel_for_many_calls_data() {
        QTest::addColumn<int>("threads");
        QTest::addRow("2 threads") << 2;
        QTest::addRow("4 threads") << 4;
        QTest::addRow("9 threads") << 9;
    }
    void parallel_for_many_calls() {
        QFETCH(int, threads);
        nanovlm::ThreadPool pool(threads);
        std::vector<int> hits(97, 0); // plain ints: chunks are disjoint, and the caller reads
                                      // them only after parallel_for returned
        for (int call = 0; call < 3000; ++call) {
            const int n = 1 + call % 97;
            pool.parallel_for(n, [&](int begin, int end, int) {
                for (int i = begin; i < end; ++i) {
                    ++hits[std::size_t(i)];
                }
            });
            for (int i = 0; i < n; ++i) {
                if (hits[std::size_t(i)] != 1) {
                    QFAIL(qPrintable(QString("call %1 (n = %2): index %3 visited %4 times")
                                         .arg(call)
                                         .arg(n)
                                         .arg(i)
                                         .arg(hits[std::size_t(i)])));
                }
                hits[std::size_t(i)] = 0;
            }
        }
    }

    // The work really is shared: whichever thread takes the first chunk is held in it until a
    // second thread has run a chunk too. A pool that ran everything on one thread would never
    // get there. (The caller itself may find every chunk taken before it starts: a worker that
    // woke first can run them all, so no thread in particular is required.)
    void parallel_for_uses_the_workers() {
        nanovlm::ThreadPool pool(4);
        std::atomic<bool> waited_in_vain{false};
        std::set<int> seen;
        std::mutex seen_mutex;
        auto threads_seen = [&] {
            std::lock_guard<std::mutex> lock(seen_mutex);
            return seen.size();
        };
        pool.parallel_for(64, [&](int, int, int thread) {
            {
                std::lock_guard<std::mutex> lock(seen_mutex);
                seen.insert(thread);
            }
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (threads_seen() < 2) {
                if (std::chrono::steady_clock::now() > deadline) {
                    waited_in_vain = true;
                    return;
                }
                std::this_thread::yield();
            }
        });
        QVERIFY2(!waited_in_vain.load(), "no second thread ran a chunk within 10 s");
        QVERIFY2(threads_seen() >= 2, "only one thread ran chunks");
    }
};

QTEST_GUILESS_MAIN(TestKernels)
#include "tst_kernels.moc"
