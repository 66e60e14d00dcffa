// The bf16 weight mode (--weights bf16): rounding float32 to bf16 (ties to even, NaN, Inf,
// subnormals, overflow) against an independent reference; each GEMV kernel this CPU runs against
// the scalar twin and a double-precision product, within the worst-case bound of a float sum;
// kernels::linear's bf16 paths through the pool; the bf16 ViT and LM against the float32 ones on
// the widened weights; the bf16 model against the float32 model on every parity fixture (last
// logits' cosine, greedy ids); and decoding with bf16 weights allocating nothing.

#include "random_values.h"
#include "reduced_weights_checks.h"

#include "bf16.h"
#include "bf16_kernels.h"
#include "gemm_avx512.h"
#include "int8_kernels.h"
#include "kernels.h"
#include "language_model.h"
#include "model_impl.h" // Model::Impl: the bf16 weights, to widen them
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
#include <bit>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

namespace {

// Last-logits cosine of bf16 against float32 on every fixture. bf16 moves each weight by at most
// 2⁻⁹ of itself (rms 2⁻⁹/√3); on these random checkpoints that measures 0.99989–0.99998, and a
// layer converted wrongly (one row, one slice) falls far below.
constexpr double kMinCosine = 0.9995;
// As in tst_int8: a greedy choice may flip only where float32 led by less than this many times
// the rms change bf16 makes to the logits at that step.
constexpr double kFlipNoise = 4.0;

// The worst case of any float32 sum of n rounded products, over Σ|terms| (Higham's γ_n).
double gamma_n(int n) {
    const double u = std::ldexp(1.0, -24);
    return n * u / (1.0 - n * u);
}

// The nearest bf16 to a float32 by distances in double, ties to the even bf16; a value at or
// beyond the midpoint between the largest bf16 and 2¹²⁸ becomes Inf, as IEEE rounding does.
std::uint16_t reference_bf16(float f) {
    if (std::isnan(f)) {
        return 0; // the caller checks NaN apart
    }
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    const std::uint32_t sign = bits & 0x80000000u, magnitude = bits & 0x7fffffffu;
    if (magnitude >= 0x7f800000u) {
        return std::uint16_t((sign | 0x7f800000u) >> 16);
    }
    const std::uint32_t below = magnitude & 0xffff0000u, above = below + 0x10000u;
    auto value = [](std::uint32_t m) {
        return m == 0x7f800000u ? std::ldexp(1.0, 128) : double(std::bit_cast<float>(m));
    };
    const double x = double(std::bit_cast<float>(magnitude));
    const double down = x - value(below), up = value(above) - x;
    const bool round_up = up < down || (up == down && ((below >> 16) & 1u) != 0);
    return std::uint16_t((sign | (round_up ? above : below)) >> 16);
}

std::vector<std::uint16_t> to_bf16(const std::vector<float>& w) {
    std::vector<std::uint16_t> b(w.size());
    nanovlm::floats_to_bf16(w.data(), w.size(), b.data());
    return b;
}

// y[r, o] = Σ_i x[r, i] · w[o, i] + bias[o] in double over the widened bf16 weights, and the
// same over absolute values (the magnitude that bounds a float sum's rounding error).
struct Reference {
    std::vector<double> y;
    std::vector<double> magnitude;
};

Reference widened_product(const std::vector<std::uint16_t>& w, const float* bias, int out, int in,
                          const float* x, int rows) {
    Reference ref{std::vector<double>(std::size_t(rows) * out),
                  std::vector<double>(std::size_t(rows) * out)};
    for (int r = 0; r < rows; ++r) {
        for (int o = 0; o < out; ++o) {
            double sum = bias != nullptr ? double(bias[o]) : 0.0;
            double magnitude = std::abs(sum);
            for (int i = 0; i < in; ++i) {
                const double term = double(x[std::size_t(r) * in + i]) *
                                    double(nanovlm::bf16_to_float(w[std::size_t(o) * in + i]));
                sum += term;
                magnitude += std::abs(term);
            }
            ref.y[std::size_t(r) * out + o] = sum;
            ref.magnitude[std::size_t(r) * out + o] = magnitude;
        }
    }
    return ref;
}

// Checks got[r, o] for o in [lo, hi) against the reference within γ_terms · Σ|terms|.
QString check_product(const char* what, const float* got, const Reference& ref, int rows, int out,
                      int lo, int hi, int terms) {
    for (int r = 0; r < rows; ++r) {
        for (int o = lo; o < hi; ++o) {
            const std::size_t i = std::size_t(r) * out + o;
            const double bound = gamma_n(terms) * ref.magnitude[i];
            if (!(std::abs(double(got[i]) - ref.y[i]) <= bound)) {
                return QString("%1: row %2, output %3 is %4, expected %5 within %6")
                    .arg(what)
                    .arg(r)
                    .arg(o)
                    .arg(got[i])
                    .arg(ref.y[i])
                    .arg(bound);
            }
        }
    }
    return {};
}

} // namespace

class TestBf16 : public QObject {
    Q_OBJECT

private slots:
    // Hand-picked cases: ties both ways, just past a tie, overflow to Inf, Inf, NaN (payload
    // only in the dropped half, both signs), signed zero, subnormals.
    void rounding_cases_data() {
        QTest::addColumn<quint32>("bits");
        QTest::addColumn<quint16>("expected");
        const std::pair<const char*, std::pair<quint32, quint16>> cases[] = {
            {"one", {0x3f800000u, 0x3f80}},
            {"tie to even, down", {0x3f808000u, 0x3f80}},
            {"tie to even, up", {0x3f818000u, 0x3f82}},
            {"just above a tie", {0x3f808001u, 0x3f81}},
            {"just below a tie", {0x3f807fffu, 0x3f80}},
            {"carry into the exponent", {0x3fffc000u, 0x4000}},
            {"largest float overflows", {0x7f7fffffu, 0x7f80}},
            {"largest bf16 stays", {0x7f7f7fffu, 0x7f7f}},
            {"negative largest overflows", {0xff7f8000u, 0xff80}},
            {"+Inf", {0x7f800000u, 0x7f80}},
            {"-Inf", {0xff800000u, 0xff80}},
            {"NaN, low payload", {0x7f800001u, 0x7fc0}},
            {"-NaN, low payload", {0xff800001u, 0xffc0}},
            {"quiet NaN", {0x7fc00000u, 0x7fc0}},
            {"-0", {0x80000000u, 0x8000}},
            {"smallest subnormal rounds to 0", {0x00000001u, 0x0000}},
            {"subnormal tie to even, down", {0x00008000u, 0x0000}},
            {"subnormal tie to even, up", {0x00018000u, 0x0002}},
            {"subnormal rounds up", {0x0000ffffu, 0x0001}},
            {"smallest bf16 subnormal stays", {0x80010000u, 0x8001}},
            {"subnormal into the normals", {0x007fc000u, 0x0080}},
        };
        for (const auto& [name, c] : cases) {
            QTest::newRow(name) << c.first << c.second;
        }
    }
    void rounding_cases() {
        QFETCH(quint32, bits);
        QFETCH(quint16, expected);
        const float f = std::bit_cast<float>(std::uint32_t(bits));
        QCOMPARE(quint16(nanovlm::float_to_bf16(f)), expected);
        if (!std::isnan(f)) {
            QCOMPARE(quint16(reference_bf16(f)), expected);
        }
    }

    // Random bit patterns (every exponent) and random values near ties, against the reference;
    // widening is exact and round-trips.
    void rounding_matches_reference() {
        std::mt19937 rng(18);
        for (int n = 0; n < 1 << 20; ++n) {
            std::uint32_t bits = rng();
            if (n % 4 == 1) {
                bits = (bits & 0xffff0000u) | 0x8000u; // an exact tie
            } else if (n % 4 == 2) {
                bits = (bits & 0xffff0000u) | (0x7ffeu + (rng() & 3u)); // around a tie
            }
            const float f = std::bit_cast<float>(bits);
            const std::uint16_t b = nanovlm::float_to_bf16(f);
            if (std::isnan(f)) {
                QVERIFY2(std::isnan(nanovlm::bf16_to_float(b)) && (b >> 15) == (bits >> 31),
                         qPrintable(QString("NaN %1 became %2").arg(bits, 8, 16).arg(b, 4, 16)));
                continue;
            }
            if (b != reference_bf16(f)) {
                QFAIL(qPrintable(QString("%1 rounded to %2, expected %3")
                                     .arg(bits, 8, 16, QChar('0'))
                                     .arg(b, 4, 16, QChar('0'))
                                     .arg(reference_bf16(f), 4, 16, QChar('0'))));
            }
            QCOMPARE(nanovlm::float_to_bf16(nanovlm::bf16_to_float(b)), b);
        }
    }

    // Each GEMV kernel this CPU runs on odd shapes, on a slice [lo, hi) that must leave the rest
    // of y alone: within γ_in · Σ|terms| of the double product, and so within twice that of the
    // scalar twin.
    void gemv_data() {
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("in");
        for (int out : {1, 2, 3, 5, 17, 64, 257}) {
            for (int in : {1, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 576, 1000}) {
                QTest::addRow("out=%d in=%d", out, in) << out << in;
            }
        }
    }
    void gemv() {
        QFETCH(int, out);
        QFETCH(int, in);
        const auto w = to_bf16(random_values(std::size_t(out) * in, 1 + 7 * in + 31 * out));
        const auto x = random_values(std::size_t(in), 3 + out, -2.0f, 2.0f);
        const Reference ref = widened_product(w, nullptr, out, in, x.data(), 1);
        const int lo = out > 2 ? 1 : 0, hi = out > 2 ? out - 1 : out;
        constexpr float kSentinel = 12345.0f;

        using Gemv = void (*)(const std::uint16_t*, int, const float*, float*, int, int);
        std::vector<std::pair<const char*, Gemv>> kernels = {
            {"scalar", nanovlm::kernels::gemv_bf16_scalar},
            {"dispatched", nanovlm::kernels::gemv_bf16}};
#if defined(__x86_64__) || defined(__i386__)
        if (nanovlm::kernels::cpu_has_avx2_fma()) {
            kernels.push_back({"AVX2", nanovlm::kernels::gemv_bf16_avx2});
        }
        if (nanovlm::kernels::cpu_has_avx512()) {
            kernels.push_back({"AVX-512", nanovlm::kernels::gemv_bf16_avx512});
        }
#endif
        std::vector<float> scalar(out, kSentinel);
        nanovlm::kernels::gemv_bf16_scalar(w.data(), in, x.data(), scalar.data(), lo, hi);
        for (const auto& [name, kernel] : kernels) {
            std::vector<float> y(out, kSentinel);
            kernel(w.data(), in, x.data(), y.data(), lo, hi);
            const QString problem = check_product(name, y.data(), ref, 1, out, lo, hi, in);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QVERIFY2(y.front() == kSentinel || lo == 0, name);
            QVERIFY2(y.back() == kSentinel || hi == out, name);
            for (int o = lo; o < hi; ++o) {
                QVERIFY2(std::abs(double(y[o]) - scalar[o]) <= 2 * gamma_n(in) * ref.magnitude[o],
                         qPrintable(QString("%1, row %2: %3, scalar %4")
                                        .arg(name)
                                        .arg(o)
                                        .arg(y[o])
                                        .arg(scalar[o])));
            }
        }
    }

    // kernels::linear on a Linear carrying a bf16 copy: the GEMV (rows == 1) and the widen +
    // float product path (rows > 1, blocks of 64 weight rows), with bias, on 1 and 3 threads.
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
        const auto w = to_bf16(random_values(std::size_t(out) * in, 5 + rows + 7 * in + 31 * out));
        const auto bias = random_values(std::size_t(out), 6 + rows, -0.5f, 0.5f);
        const auto x = random_values(std::size_t(rows) * in, 7 + out);
        nanovlm::Linear l{nullptr, bias.data(), out, in, nullptr, nullptr, w.data()};
        nanovlm::ThreadPool pool(threads);
        pool.reserve_scratch(nanovlm::kernels::linear_scratch_floats(in));
        std::vector<float> y(std::size_t(rows) * out, NAN);

        nanovlm::kernels::linear(l, x.data(), rows, y.data(), pool);

        const Reference ref = widened_product(w, bias.data(), out, in, x.data(), rows);
        const QString problem = check_product("linear", y.data(), ref, rows, out, 0, out, in + 1);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // The bf16 engine computes exactly the rounded model: its ViT and LM give what the float32
    // path gives on the widened weights, in prefill and decoding. So any difference from float32
    // below is the rounding alone.
    void bf16_paths_equal_f32_on_widened_weights() {
        const auto model = reduced::load(parity::cases()[0], nanovlm::WeightFormat::Bf16);
        for (nanovlm::Linear* l :
             nanovlm::int8_layers(const_cast<nanovlm::Weights&>(model->impl().store->weights()))) {
            QVERIFY(l->weight == nullptr && l->bweight != nullptr);
        }
        const QString problem = reduced::paths_equal_f32_on_same_values(
            nanovlm::WeightFormat::Bf16, [](const nanovlm::Linear& l, float* out) {
                nanovlm::kernels::widen_bf16_rows(l.bweight, l.out, l.in, out);
            });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // bf16 against float32 on every fixture: the last logits keep cosine ≥ kMinCosine, and the
    // greedy ids, read teacher-forced (both fed float32's choice), differ only where float32's
    // lead was within kFlipNoise rms changes of the logits (see tst_int8 for why).
    void matches_f32_on_fixtures_data() {
        QTest::addColumn<int>("index");
        const auto all = parity::cases();
        for (std::size_t i = 0; i < all.size(); ++i) {
            QTest::newRow(all[i]["name"].get<std::string>().c_str()) << int(i);
        }
    }
    void matches_f32_on_fixtures() {
        QFETCH(int, index);
        const auto c = parity::cases()[std::size_t(index)];
        const auto f32 = reduced::load(c, nanovlm::WeightFormat::F32);
        const auto bf16 = reduced::load(c, nanovlm::WeightFormat::Bf16);
        QCOMPARE(bf16->weight_format(), nanovlm::WeightFormat::Bf16);
        QVERIFY(bf16->quantized_bytes() > 0);
        QVERIFY(bf16->weight_memory_bytes() < f32->weight_memory_bytes());
        const auto image = parity::dumped_pixels(c, f32->config());
        const auto ids = c["ids"].get<std::vector<nanovlm::TokenId>>();

        constexpr int kSteps = 64;
        const reduced::Agreement forced = reduced::teacher_forced(f32, bf16, image, ids, kSteps);
        QCOMPARE(forced.steps, kSteps);
        const double cos = forced.cosine, worst_flip = forced.worst_flip;
        const int same = forced.same;
        qInfo("%s: last-logits cosine %.7f; greedy ids agree teacher-forced on %d of %d "
              "(largest lead lost: %.2f x the rms change)",
              c["name"].get<std::string>().c_str(), cos, same, kSteps, worst_flip);
        QVERIFY2(cos >= kMinCosine, qPrintable(QString("cosine %1 < %2").arg(cos).arg(kMinCosine)));
        QVERIFY2(worst_flip < kFlipNoise,
                 qPrintable(QString("bf16 changed a greedy choice that float32 led by %1 times "
                                    "the rms change of the logits (bound %2)")
                                .arg(worst_flip)
                                .arg(kFlipNoise)));
    }

    // Decoding with bf16 weights allocates nothing: the prefill scratch is sized when the
    // session is built and the GEMV needs none.
    void bf16_decoding_allocates_nothing() {
        constexpr int kSteps = 32;
        const long allocations = reduced::decoding_allocations(nanovlm::WeightFormat::Bf16, kSteps);
        QVERIFY2(allocations >= 0, "the operator new hook is not in effect");
        QVERIFY2(
            allocations == 0,
            qPrintable(
                QString("%1 allocations in %2 bf16 decoding steps").arg(allocations).arg(kSteps)));
    }
};

QTEST_GUILESS_MAIN(TestBf16)
#include "tst_bf16.moc"
