// The int8 weight mode (--weights int8): per-row quantization and its error bound; the AVX2 GEMV
// against its scalar twin and a double-precision product with the dequantized matrix, on odd
// shapes; kernels::linear's int8 paths (GEMV and dequantize + sgemm) through the pool; the int8
// ViT and LM against the float32 ones running on the dequantized weights; the int8 model against
// the float32 model on every parity fixture (last logits' cosine, greedy ids); and decoding with
// int8 weights allocating nothing.

#include "random_values.h"
#include "reduced_weights_checks.h"

#include "int8_kernels.h"
#include "kernels.h"
#include "language_model.h"
#include "model_impl.h" // Model::Impl: the int8 weights, to dequantize them
#include "quantized.h"
#include "thread_pool.h"
#include "vision_encoder.h"
#include "weights.h"

#include "nanovlm/generation.h"
#include "nanovlm/model.h"
#include "nanovlm/sampler.h"
#include "nanovlm/session.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

namespace {

// float32 sums of up to 1000 products: the worst-case bound is k·2⁻²⁴ ≈ 6e-5 of Σ|terms|; the
// error random operands give is well under 1e-6 (the scale adds one rounding).
constexpr double kDotTolerance = 2e-6;

// Issue 4's bound on the last logits of the int8 mode against float32's.
constexpr double kMinCosine = 0.999;
// Int8 may flip a greedy choice only where float32 led by less than this many times the rms
// change int8 makes to the logits at that step: the two logits' changes differ by about 1.4 rms,
// so a lead of 4 rms is lost once in several hundred flips by chance, and a layer quantized
// wrongly (one row's scale, one slice) loses leads far beyond it.
constexpr double kFlipNoise = 4.0;

struct Quantized {
    std::vector<std::int8_t> q;
    std::vector<float> scales;
};

Quantized quantize(const std::vector<float>& w, int out, int in) {
    Quantized m{std::vector<std::int8_t>(std::size_t(out) * in), std::vector<float>(out)};
    nanovlm::quantize_rows(w.data(), out, in, m.q.data(), m.scales.data());
    return m;
}

// y[r, o] = Σ_i x[r, i] · (q[o, i] · scales[o]) + bias[o] in double, and the same over absolute
// values (the magnitude that bounds a float sum's rounding error).
struct Reference {
    std::vector<double> y;
    std::vector<double> magnitude;
};

Reference dequantized_product(const Quantized& m, const float* bias, int out, int in,
                              const float* x, int rows) {
    Reference ref{std::vector<double>(std::size_t(rows) * out),
                  std::vector<double>(std::size_t(rows) * out)};
    for (int r = 0; r < rows; ++r) {
        for (int o = 0; o < out; ++o) {
            double sum = bias != nullptr ? double(bias[o]) : 0.0;
            double magnitude = bias != nullptr ? std::abs(double(bias[o])) : 0.0;
            for (int i = 0; i < in; ++i) {
                const double term = double(x[std::size_t(r) * in + i]) *
                                    (double(m.q[std::size_t(o) * in + i]) * double(m.scales[o]));
                sum += term;
                magnitude += std::abs(term);
            }
            ref.y[std::size_t(r) * out + o] = sum;
            ref.magnitude[std::size_t(r) * out + o] = magnitude;
        }
    }
    return ref;
}

// max over outputs of |got − ref| / Σ|terms|, for the outputs in [lo, hi) of each row.
double dot_error(const float* got, const Reference& ref, int rows, int out, int lo, int hi) {
    double worst = 0.0;
    for (int r = 0; r < rows; ++r) {
        for (int o = lo; o < hi; ++o) {
            const std::size_t i = std::size_t(r) * out + o;
            if (!std::isfinite(got[i])) {
                return INFINITY;
            }
            worst = std::max(worst, std::abs(double(got[i]) - ref.y[i]) /
                                        std::max(ref.magnitude[i], 1e-30));
        }
    }
    return worst;
}

QString dot_message(const char* what, double error) {
    return QString("%1: max error %2 of Σ|terms|, bound %3")
        .arg(what)
        .arg(error)
        .arg(kDotTolerance);
}

} // namespace

class TestInt8 : public QObject {
    Q_OBJECT

private:
    void add_case_rows() {
        QTest::addColumn<int>("index");
        const auto all = parity::cases();
        for (std::size_t i = 0; i < all.size(); ++i) {
            QTest::newRow(all[i]["name"].get<std::string>().c_str()) << int(i);
        }
    }

private slots:
    // Every weight comes back within half a step of its row's scale; the row's largest magnitude
    // maps to ±127 exactly; an all-zero row stays zero.
    void quantization_round_trip_data() {
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("in");
        for (int out : {1, 5, 64}) {
            for (int in : {1, 7, 32, 257, 1000}) {
                QTest::addRow("out=%d in=%d", out, in) << out << in;
            }
        }
    }
    void quantization_round_trip() {
        QFETCH(int, out);
        QFETCH(int, in);
        auto w = random_values(std::size_t(out) * in, 11 + out * 1000 + in, -3.0f, 3.0f);
        if (out > 1) {
            std::fill(w.begin() + in, w.begin() + 2 * in, 0.0f); // row 1: all zero
        }
        const Quantized m = quantize(w, out, in);
        for (int o = 0; o < out; ++o) {
            const float* row = w.data() + std::size_t(o) * in;
            float max = 0.0f;
            for (int i = 0; i < in; ++i) {
                max = std::max(max, std::abs(row[i]));
            }
            QCOMPARE(m.scales[o], max / 127.0f);
            int largest = 0;
            for (int i = 0; i < in; ++i) {
                const int q = m.q[std::size_t(o) * in + i];
                QVERIFY2(q >= -127 && q <= 127, qPrintable(QString("q = %1").arg(q)));
                largest = std::max(largest, std::abs(q));
                const double error = std::abs(double(q) * m.scales[o] - double(row[i]));
                QVERIFY2(error <= 0.5 * m.scales[o] * (1 + 1e-5),
                         qPrintable(QString("row %1, value %2: %3 came back as %4 (scale %5)")
                                        .arg(o)
                                        .arg(i)
                                        .arg(row[i])
                                        .arg(double(q) * m.scales[o])
                                        .arg(m.scales[o])));
            }
            QCOMPARE(largest, max > 0.0f ? 127 : 0);
        }
    }

    // The GEMV twins on odd shapes: out 1…257 (rows left over after groups of four), in 1…1000
    // (not multiples of 8, 16 or 32), and a slice [lo, hi) that must leave the rest of y alone.
    void gemv_data() {
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("in");
        for (int out : {1, 2, 3, 4, 5, 7, 8, 17, 64, 129, 257}) {
            for (int in : {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 255, 576, 1000}) {
                QTest::addRow("out=%d in=%d", out, in) << out << in;
            }
        }
    }
    void gemv() {
        QFETCH(int, out);
        QFETCH(int, in);
        const auto w = random_values(std::size_t(out) * in, 1 + 7 * in + 31 * out);
        const auto x = random_values(std::size_t(in), 3 + out);
        const Quantized m = quantize(w, out, in);
        const Reference ref = dequantized_product(m, nullptr, out, in, x.data(), 1);
        const int lo = out > 2 ? 1 : 0, hi = out > 2 ? out - 1 : out;
        constexpr float kSentinel = 12345.0f;

        std::vector<float> scalar(out, kSentinel);
        nanovlm::kernels::gemv_int8_scalar(m.q.data(), m.scales.data(), in, x.data(), scalar.data(),
                                           lo, hi);
        double error = dot_error(scalar.data(), ref, 1, out, lo, hi);
        QVERIFY2(error <= kDotTolerance, qPrintable(dot_message("scalar", error)));
        QVERIFY2(scalar.front() == kSentinel || lo == 0, "the scalar GEMV wrote below lo");
        QVERIFY2(scalar.back() == kSentinel || hi == out, "the scalar GEMV wrote from hi on");

#if defined(__x86_64__) || defined(__i386__)
        if (!nanovlm::kernels::cpu_has_avx2_fma()) {
            QSKIP("this CPU has no AVX2/FMA: only the scalar twin runs here");
        }
        std::vector<float> avx2(out, kSentinel);
        nanovlm::kernels::gemv_int8_avx2(m.q.data(), m.scales.data(), in, x.data(), avx2.data(), lo,
                                         hi);
        error = dot_error(avx2.data(), ref, 1, out, lo, hi);
        QVERIFY2(error <= kDotTolerance, qPrintable(dot_message("AVX2", error)));
        QVERIFY2(avx2.front() == kSentinel || lo == 0, "the AVX2 GEMV wrote below lo");
        QVERIFY2(avx2.back() == kSentinel || hi == out, "the AVX2 GEMV wrote from hi on");
        for (int o = lo; o < hi; ++o) {
            // Two float sums of the same terms in different orders: a few ulps of Σ|terms|.
            QVERIFY2(std::abs(double(avx2[o]) - scalar[o]) <=
                         2 * kDotTolerance * ref.magnitude[std::size_t(o)],
                     qPrintable(
                         QString("row %1: AVX2 %2, scalar %3").arg(o).arg(avx2[o]).arg(scalar[o])));
        }
#endif
    }

    // kernels::linear on a Linear carrying an int8 copy: the GEMV (rows == 1) and the dequantize
    // + sgemm path (rows > 1, blocks of 64 rows), with bias, on one thread and split across three.
    void linear_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("threads");
        for (int rows : {1, 2, 17}) {
            for (int in : {1, 33, 257}) {
                for (int out : {1, 3, 65, 257}) {
                    for (int threads : {1, 3}) {
                        QTest::addRow("rows=%d in=%d out=%d threads=%d", rows, in, out, threads)
                            << rows << in << out << threads;
                    }
                }
            }
        }
    }
    void linear() {
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(int, out);
        QFETCH(int, threads);
        const auto w = random_values(std::size_t(out) * in, 5 + rows + 7 * in + 31 * out);
        const auto bias = random_values(std::size_t(out), 6 + rows, -0.5f, 0.5f);
        const auto x = random_values(std::size_t(rows) * in, 7 + out);
        const Quantized m = quantize(w, out, in);
        nanovlm::Linear l{nullptr, bias.data(), out, in, m.q.data(), m.scales.data()};
        nanovlm::ThreadPool pool(threads);
        pool.reserve_scratch(nanovlm::kernels::linear_scratch_floats(in));
        std::vector<float> y(std::size_t(rows) * out, NAN);

        nanovlm::kernels::linear(l, x.data(), rows, y.data(), pool);

        const Reference ref = dequantized_product(m, bias.data(), out, in, x.data(), rows);
        const double error = dot_error(y.data(), ref, rows, out, 0, out);
        QVERIFY2(error <= kDotTolerance, qPrintable(dot_message("linear", error)));
    }

    // The int8 engine computes exactly the quantized model: its ViT and LM give what the float32
    // path gives on the dequantized weights, to float32 rounding, in prefill (dequantize + sgemm)
    // and decoding (the int8 GEMV). So any difference from float32 below is quantization alone.
    void int8_paths_equal_f32_on_dequantized_weights() {
        const QString problem = reduced::paths_equal_f32_on_same_values(
            nanovlm::WeightFormat::Int8, [](const nanovlm::Linear& l, float* out) {
                nanovlm::kernels::dequantize_rows(l.qweight, l.scales, l.out, l.in, out);
            });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // Issue 4's bounds for int8 against float32 on every fixture: the last logits keep cosine
    // ≥ 0.999, and the greedy ids agree on ≥ 95% of the tokens. These random checkpoints (LM
    // width 8, vocabulary 49k) put their top logits close together (float32's median lead is
    // 0.2σ of the logits) while int8 moves the logits by about 0.02σ, more at some steps, so some
    // near-ties flip; and once a free run differs it continues from another text. So the test
    // asserts the cosine, reads the ids teacher-forced (both models fed float32's choice at each
    // step), where each disagreement must be explained by that step's perturbation (float32's
    // lead below kFlipNoise times the rms change of the logits), and reports both agreements.
    void matches_f32_on_fixtures_data() {
        add_case_rows();
    }
    void matches_f32_on_fixtures() {
        QFETCH(int, index);
        const auto c = parity::cases()[std::size_t(index)];
        const auto f32 = reduced::load(c, nanovlm::WeightFormat::F32);
        const auto int8 = reduced::load(c, nanovlm::WeightFormat::Int8);
        QCOMPARE(int8->weight_format(), nanovlm::WeightFormat::Int8);
        QVERIFY(int8->quantized_bytes() > 0);
        QCOMPARE(f32->quantized_bytes(), std::size_t(0));
        const auto image = parity::dumped_pixels(c, f32->config());
        const auto ids = c["ids"].get<std::vector<nanovlm::TokenId>>();
        const std::string name = c["name"].get<std::string>();

        // Free runs, as `nanovlm generate --greedy` gives them.
        nanovlm::GenerationOptions options;
        options.sampling.greedy = true;
        options.max_new_tokens = c["new_tokens"].get<int>();
        std::vector<nanovlm::TokenId> free_run[2];
        for (int m = 0; m < 2; ++m) {
            nanovlm::Session session(m == 0 ? f32 : int8);
            free_run[m] = nanovlm::generate(session, ids, {&image, 1}, options).ids;
        }
        const std::size_t run_length = std::max(free_run[0].size(), free_run[1].size());
        std::size_t run_same = 0;
        for (std::size_t i = 0; i < std::min(free_run[0].size(), free_run[1].size()); ++i) {
            run_same += free_run[0][i] == free_run[1][i] ? 1 : 0;
        }

        // Teacher-forced: both sessions read float32's greedy id after each step.
        const reduced::Agreement forced = reduced::teacher_forced(f32, int8, image, ids, 64);
        QCOMPARE(forced.steps, 64);
        const double cos = forced.cosine, worst_flip = forced.worst_flip;
        const int forced_same = forced.same, kSteps = forced.steps;

        qInfo("%s: last-logits cosine %.6f; greedy ids agree teacher-forced on %d of %d (%.1f%%; "
              "largest lead lost: %.2f x the rms change), free-running on %zu of %zu (%.1f%%)",
              name.c_str(), cos, forced_same, kSteps, 100.0 * forced_same / kSteps, worst_flip,
              run_same, run_length,
              100.0 * double(run_same) / double(std::max<std::size_t>(1, run_length)));
        QVERIFY2(cos >= kMinCosine, qPrintable(QString("cosine %1 < %2").arg(cos).arg(kMinCosine)));
        QVERIFY2(worst_flip < kFlipNoise,
                 qPrintable(QString("int8 changed a greedy choice that float32 led by %1 times "
                                    "the rms change of the logits (bound %2)")
                                .arg(worst_flip)
                                .arg(kFlipNoise)));
    }

    // Decoding with int8 weights allocates nothing either: the prefill scratch is sized when the
    // session is built and the GEMV needs none.
    void int8_decoding_allocates_nothing() {
        constexpr int kSteps = 32;
        const long allocations = reduced::decoding_allocations(nanovlm::WeightFormat::Int8, kSteps);
        QVERIFY2(allocations >= 0, "the operator new hook is not in effect");
        QVERIFY2(
            allocations == 0,
            qPrintable(
                QString("%1 allocations in %2 int8 decoding steps").arg(allocations).arg(kSteps)));
    }
};

QTEST_GUILESS_MAIN(TestInt8)
#include "tst_int8.moc"
