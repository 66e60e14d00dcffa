// The sampler (nanovlm/sampler.h) on fixed logits, against the rules of nanoVLM's
// VisionLanguageModel.generate at 4e0c096: greedy = torch.argmax; otherwise
// models/utils.py top_k_top_p_filtering (top-k keeps every logit >= the k-th largest; top-p on
// softmax(filtered) at temperature 1 removes each sorted token whose cumulative probability
// exceeds p, but always keeps the first), then multinomial(softmax(filtered / temperature)).
// The distributions are checked statistically over many draws.

#include "random_values.h"

#include "nanovlm/error.h"
#include "nanovlm/sampler.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <vector>

using nanovlm::Sampler;
using nanovlm::SamplingParams;
using nanovlm::TokenId;

namespace {

std::vector<float> random_logits(std::size_t n, std::uint32_t seed, float lo = -5.0f,
                                 float hi = 5.0f) {
    return random_values(n, seed, lo, hi);
}

// The first index of the largest value, like torch.argmax.
TokenId first_argmax(const std::vector<float>& logits) {
    TokenId best = 0;
    for (std::size_t i = 1; i < logits.size(); ++i) {
        if (logits[i] > logits[std::size_t(best)]) {
            best = TokenId(i);
        }
    }
    return best;
}

SamplingParams params(float temperature, int top_k, float top_p, std::uint64_t seed = 1) {
    SamplingParams p;
    p.temperature = temperature;
    p.top_k = top_k;
    p.top_p = top_p;
    p.seed = seed;
    return p;
}

// Logits log(p_i) for a distribution given best first, placed at shuffled ids so that nothing
// depends on the winner being token 0. order[rank] is the id of the rank-th most likely token.
struct PlacedDistribution {
    std::vector<float> logits;
    std::vector<TokenId> order;
};

PlacedDistribution place(const std::vector<double>& probs, std::uint32_t seed) {
    PlacedDistribution d;
    d.order.resize(probs.size());
    std::iota(d.order.begin(), d.order.end(), 0);
    std::shuffle(d.order.begin(), d.order.end(), std::mt19937(seed));
    d.logits.resize(probs.size());
    for (std::size_t rank = 0; rank < probs.size(); ++rank) {
        d.logits[std::size_t(d.order[rank])] = float(std::log(probs[rank]));
    }
    return d;
}

// What nanoVLM's top_k_top_p_filtering keeps, then softmax(kept / temperature), computed in
// double from the float logits: the probability of every id (0 for filtered ids).
std::vector<double> expected_distribution(const std::vector<float>& logits, int top_k, double top_p,
                                          double temperature) {
    const std::size_t n = logits.size();
    std::vector<TokenId> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](TokenId a, TokenId b) { return logits[a] > logits[b]; });
    std::size_t kept = n;
    if (top_k > 0 && std::size_t(top_k) < n) {
        const float kth = logits[order[std::size_t(top_k) - 1]];
        kept = 0;
        while (kept < n && logits[order[kept]] >= kth) {
            ++kept;
        }
    }
    if (top_p < 1.0) {
        double total = 0.0;
        for (std::size_t i = 0; i < kept; ++i) {
            total += std::exp(double(logits[order[i]]) - logits[order[0]]);
        }
        double cumulative = 0.0;
        std::size_t within = 0;
        for (std::size_t i = 0; i < kept; ++i) {
            cumulative += std::exp(double(logits[order[i]]) - logits[order[0]]) / total;
            if (i == 0 || cumulative <= top_p) {
                within = i + 1;
            }
        }
        kept = within;
    }
    std::vector<double> probs(n, 0.0);
    double total = 0.0;
    for (std::size_t i = 0; i < kept; ++i) {
        probs[std::size_t(order[i])] =
            std::exp((double(logits[order[i]]) - logits[order[0]]) / temperature);
        total += probs[std::size_t(order[i])];
    }
    for (double& p : probs) {
        p /= total;
    }
    return probs;
}

std::vector<int> histogram(Sampler& sampler, const std::vector<float>& logits, int draws) {
    std::vector<int> counts(logits.size(), 0);
    for (int i = 0; i < draws; ++i) {
        const TokenId id = sampler.sample(logits);
        if (id < 0 || std::size_t(id) >= logits.size()) {
            counts.clear();
            return counts;
        }
        ++counts[std::size_t(id)];
    }
    return counts;
}

} // namespace

class TestSampler : public QObject {
    Q_OBJECT

private slots:
    void greedy_is_argmax() {
        SamplingParams p;
        p.greedy = true;
        for (std::uint32_t trial = 0; trial < 200; ++trial) {
            const std::size_t n = 1 + trial * 37 % 1000;
            const auto logits = random_logits(n, trial);
            Sampler sampler(p, n);
            QCOMPARE(sampler.sample(logits), first_argmax(logits));
        }
    }

    void greedy_takes_the_first_of_equal_maxima() {
        SamplingParams p;
        p.greedy = true;
        Sampler sampler(p, 8);
        QCOMPARE(sampler.sample(std::vector<float>{1, 5, 3, 5, 5}), TokenId(1));
        QCOMPARE(sampler.sample(std::vector<float>{7, 7}), TokenId(0));
        QCOMPARE(sampler.sample(std::vector<float>{-INFINITY, -2, -2, -3}), TokenId(1));
        QCOMPARE(sampler.sample(std::vector<float>{0, 0, 0, 0, 0, 0, 0, 1}), TokenId(7));
    }

    // Greedy ignores temperature, top-k and top-p (nanoVLM's greedy branch never filters).
    void greedy_ignores_the_other_parameters() {
        SamplingParams p = params(0.0f, 3, 0.2f);
        p.greedy = true;
        Sampler sampler(p, 100);
        for (std::uint32_t trial = 0; trial < 50; ++trial) {
            const auto logits = random_logits(100, 1000 + trial);
            QCOMPARE(sampler.sample(logits), first_argmax(logits));
        }
    }

    void top_k_one_is_greedy_data() {
        QTest::addColumn<float>("temperature");
        QTest::addColumn<float>("top_p");
        for (float t : {0.01f, 0.5f, 1.0f, 10.0f, 1000.0f}) {
            for (float p : {1.0f, 0.5f, 0.01f}) {
                QTest::addRow("T=%g p=%g", double(t), double(p)) << t << p;
            }
        }
    }
    void top_k_one_is_greedy() {
        QFETCH(float, temperature);
        QFETCH(float, top_p);
        Sampler sampler(params(temperature, 1, top_p, 7), 500);
        for (std::uint32_t trial = 0; trial < 300; ++trial) {
            // Nearly flat logits: with more than one survivor a high temperature would show.
            const auto logits = random_logits(500, 2000 + trial, 0.0f, 0.01f);
            QCOMPARE(sampler.sample(logits), first_argmax(logits));
        }
    }

    void same_seed_repeats_different_seed_differs() {
        const auto logits = random_logits(1000, 3, 0.0f, 2.0f);
        SamplingParams p; // nanoVLM's defaults: top-k 50, top-p 0.9, temperature 0.5
        p.seed = 42;
        Sampler a(p, logits.size()), b(p, logits.size());
        p.seed = 43;
        Sampler c(p, logits.size());
        std::vector<TokenId> seq_a, seq_b, seq_c;
        for (int i = 0; i < 2000; ++i) {
            seq_a.push_back(a.sample(logits));
            seq_b.push_back(b.sample(logits));
            seq_c.push_back(c.sample(logits));
        }
        QVERIFY2(seq_a == seq_b, "two samplers with the same seed gave different sequences");
        const std::set<TokenId> distinct(seq_a.begin(), seq_a.end());
        QVERIFY2(distinct.size() >= 10,
                 qPrintable(QString("only %1 distinct ids in 2000 draws: the logits are too "
                                    "peaked for this test to mean anything")
                                .arg(distinct.size())));
        int differences = 0;
        for (std::size_t i = 0; i < seq_a.size(); ++i) {
            differences += seq_a[i] != seq_c[i] ? 1 : 0;
        }
        QVERIFY2(differences > 1000,
                 qPrintable(
                     QString("seeds 42 and 43 agree on %1 of 2000 draws").arg(2000 - differences)));
    }

    void top_k_stays_in_the_k_largest_data() {
        QTest::addColumn<int>("k");
        for (int k : {1, 2, 5, 50, 999, 1000, 2000}) {
            QTest::addRow("k=%d", k) << k;
        }
    }
    void top_k_stays_in_the_k_largest() {
        QFETCH(int, k);
        const auto logits = random_logits(1000, 4, -1.0f, 1.0f);
        std::vector<int> rank(logits.size());
        for (std::size_t i = 0; i < logits.size(); ++i) {
            rank[i] = int(std::count_if(logits.begin(), logits.end(),
                                        [&](float v) { return v > logits[i]; }));
        }
        Sampler sampler(params(5.0f, k, 1.0f, 11), logits.size());
        const auto counts = histogram(sampler, logits, 40000);
        QVERIFY2(!counts.empty(), "the sampler returned an id outside the vocabulary");
        const int allowed = std::min<int>(k, int(logits.size()));
        for (std::size_t i = 0; i < logits.size(); ++i) {
            if (rank[i] >= allowed) {
                QVERIFY2(counts[i] == 0, qPrintable(QString("id %1 of rank %2 came out %3 times "
                                                            "with top-k %4")
                                                        .arg(i)
                                                        .arg(rank[i])
                                                        .arg(counts[i])
                                                        .arg(k)));
            } else {
                // At temperature 5 the survivors are nearly uniform: each must come out.
                QVERIFY2(counts[i] > 0, qPrintable(QString("id %1 of rank %2 never came out with "
                                                           "top-k %3")
                                                       .arg(i)
                                                       .arg(rank[i])
                                                       .arg(k)));
            }
        }
    }

    // nanoVLM removes `logits < topk(logits, k)[-1]`: values tied with the k-th survive.
    void top_k_keeps_ties_at_the_boundary() {
        const std::vector<float> logits = {2, 3, 1, 2, 0, 2, -1};
        Sampler sampler(params(10.0f, 2, 1.0f, 5), logits.size());
        const auto counts = histogram(sampler, logits, 20000);
        QVERIFY(!counts.empty());
        for (std::size_t i : {0, 1, 3, 5}) {
            QVERIFY2(counts[i] > 0, qPrintable(QString("id %1 (tied with the 2nd largest) never "
                                                       "came out")
                                                   .arg(i)));
        }
        for (std::size_t i : {2, 4, 6}) {
            QVERIFY2(counts[i] == 0, qPrintable(QString("id %1 (below the 2nd largest) came out "
                                                        "%2 times")
                                                    .arg(i)
                                                    .arg(counts[i])));
        }
    }

    // With sorted probabilities q_1 >= q_2 >= ..., the first token and every token whose
    // cumulative q_1 + ... + q_i is still <= p survive; call them the first m. Only those m come
    // out, and (at these temperatures) each of them does.
    void top_p_keeps_exactly_the_nucleus_data() {
        QTest::addColumn<QList<double>>("probs");
        QTest::addColumn<int>("top_k");
        QTest::addColumn<float>("top_p");
        QTest::addColumn<float>("temperature");
        QTest::addColumn<int>("m");
        const QList<double> six = {0.4, 0.3, 0.2, 0.05, 0.03, 0.02};
        // cumulative 0.4, 0.7, 0.9, 0.95, 0.98, 1.0
        for (float t : {1.0f, 3.0f}) {
            QTest::addRow("p=0.3 T=%g (first token only)", double(t)) << six << 0 << 0.3f << t << 1;
            QTest::addRow("p=0.5 T=%g", double(t)) << six << 0 << 0.5f << t << 1;
            QTest::addRow("p=0.75 T=%g", double(t)) << six << 0 << 0.75f << t << 2;
            QTest::addRow("p=0.92 T=%g", double(t)) << six << 0 << 0.92f << t << 3;
            QTest::addRow("p=0.96 T=%g", double(t)) << six << 0 << 0.96f << t << 4;
            QTest::addRow("p=0.99 T=%g", double(t)) << six << 0 << 0.99f << t << 5;
            // After top-k 3 the softmax renormalises: 0.444, 0.333, 0.222 -> cumulative 0.444,
            // 0.778, 1.0.
            QTest::addRow("k=3 p=0.8 T=%g", double(t)) << six << 3 << 0.8f << t << 2;
            QTest::addRow("k=3 p=0.7 T=%g", double(t)) << six << 3 << 0.7f << t << 1;
        }
        // A long tail: 300 tokens with q_i proportional to 1/i (Zipf).
        QList<double> zipf;
        double total = 0.0;
        for (int i = 1; i <= 300; ++i) {
            total += 1.0 / i;
        }
        double cumulative = 0.0;
        int m = 0;
        for (int i = 1; i <= 300; ++i) {
            zipf.append(1.0 / i / total);
            cumulative += 1.0 / i / total;
            m += (i == 1 || cumulative <= 0.6) ? 1 : 0;
        }
        QTest::addRow("zipf p=0.6 T=2") << zipf << 0 << 0.6f << 2.0f << m;
    }
    void top_p_keeps_exactly_the_nucleus() {
        QFETCH(QList<double>, probs);
        QFETCH(int, top_k);
        QFETCH(float, top_p);
        QFETCH(float, temperature);
        QFETCH(int, m);
        const auto d = place(std::vector<double>(probs.begin(), probs.end()), 6);
        Sampler sampler(params(temperature, top_k, top_p, 13), d.logits.size());
        const auto counts = histogram(sampler, d.logits, 30000);
        QVERIFY(!counts.empty());
        for (std::size_t rank = 0; rank < d.order.size(); ++rank) {
            const int count = counts[std::size_t(d.order[rank])];
            if (int(rank) < m) {
                QVERIFY2(count > 0,
                         qPrintable(QString("rank %1 (inside the nucleus of %2) never came out")
                                        .arg(rank)
                                        .arg(m)));
            } else {
                QVERIFY2(count == 0,
                         qPrintable(QString("rank %1 (outside the nucleus of %2) came out %3 "
                                            "times")
                                        .arg(rank)
                                        .arg(m)
                                        .arg(count)));
            }
        }
    }

    // Frequencies over 200k draws match softmax(surviving logits / T): each count within 5
    // standard deviations of its expectation, and a chi-square far below its 1e-6 tail.
    void frequencies_match_the_tempered_softmax_data() {
        QTest::addColumn<float>("temperature");
        QTest::addColumn<int>("top_k");
        QTest::addColumn<float>("top_p");
        QTest::addRow("T=1") << 1.0f << 0 << 1.0f;
        QTest::addRow("T=0.5") << 0.5f << 0 << 1.0f;
        QTest::addRow("T=2") << 2.0f << 0 << 1.0f;
        QTest::addRow("T=0.7 k=4") << 0.7f << 4 << 1.0f;
        QTest::addRow("T=1.3 p=0.9") << 1.3f << 0 << 0.9f;
        QTest::addRow("nanoVLM defaults T=0.5 k=50 p=0.9") << 0.5f << 50 << 0.9f;
    }
    void frequencies_match_the_tempered_softmax() {
        QFETCH(float, temperature);
        QFETCH(int, top_k);
        QFETCH(float, top_p);
        std::vector<float> logits = {0.3f, 2.0f, -1.0f, 1.5f, 0.0f, -3.0f, 1.0f, -0.5f};
        if (top_k == 50) {
            logits = random_logits(200, 8, -1.0f, 3.0f);
        }
        const auto expected = expected_distribution(logits, top_k, top_p, temperature);
        constexpr int kDraws = 200000;
        Sampler sampler(params(temperature, top_k, top_p, 17), logits.size());
        const auto counts = histogram(sampler, logits, kDraws);
        QVERIFY(!counts.empty());
        double chi_square = 0.0;
        int categories = 0;
        for (std::size_t i = 0; i < logits.size(); ++i) {
            const double mean = kDraws * expected[i];
            if (expected[i] == 0.0) {
                QVERIFY2(
                    counts[i] == 0,
                    qPrintable(QString("filtered id %1 came out %2 times").arg(i).arg(counts[i])));
                continue;
            }
            const double sd = std::sqrt(mean * (1.0 - expected[i]));
            QVERIFY2(std::abs(counts[i] - mean) <= 5.0 * sd + 1.0,
                     qPrintable(QString("id %1 came out %2 times, expected %3 ± %4")
                                    .arg(i)
                                    .arg(counts[i])
                                    .arg(mean, 0, 'f', 1)
                                    .arg(5.0 * sd, 0, 'f', 1)));
            chi_square += (counts[i] - mean) * (counts[i] - mean) / mean;
            ++categories;
        }
        // Chi-square with d degrees of freedom: mean d, sd sqrt(2d); d + 10·sqrt(2d) + 10 lies
        // beyond its 1e-6 tail for every d used here.
        const int dof = std::max(1, categories - 1);
        const double limit = dof + 10.0 * std::sqrt(2.0 * dof) + 10.0;
        QVERIFY2(chi_square <= limit,
                 qPrintable(QString("chi-square %1 over %2 degrees of freedom (limit %3)")
                                .arg(chi_square)
                                .arg(dof)
                                .arg(limit)));
    }

    void invalid_parameters_throw() {
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(0.0f, 50, 0.9f), 10));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(-1.0f, 50, 0.9f), 10));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(NAN, 50, 0.9f), 10));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(0.5f, 50, 0.0f), 10));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(0.5f, 50, -0.1f), 10));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(0.5f, 50, 1.0001f), 10));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(0.5f, 50, NAN), 10));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(params(0.5f, -1, 0.9f), 10));
    }

    void boundary_parameters_are_accepted() {
        SamplingParams greedy_zero = params(0.0f, 50, 0.9f);
        greedy_zero.greedy = true;
        QVERIFY_THROWS_NO_EXCEPTION(Sampler(greedy_zero, 10));
        QVERIFY_THROWS_NO_EXCEPTION(Sampler(params(0.5f, 0, 1.0f), 10));
        QVERIFY_THROWS_NO_EXCEPTION(Sampler(params(1e-3f, 1, 1e-6f), 10));
    }

    void logits_larger_than_the_vocabulary_throw() {
        Sampler sampler(params(0.5f, 50, 0.9f), 4);
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, sampler.sample(std::vector<float>(5, 0.0f)));
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, sampler.sample(std::vector<float>{}));
        const TokenId id = sampler.sample(std::vector<float>{0.0f, 1.0f, 2.0f});
        QVERIFY2(id >= 0 && id < 3, "a shorter logits row must be sampled within its own size");
    }

    // A corrupt checkpoint can give NaN logits: they never win, and all-NaN is an Error.
    void nan_logits_are_never_picked() {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> logits = {nan, 1.0f, 2.0f, nan};
        SamplingParams greedy = params(0.5f, 50, 0.9f);
        greedy.greedy = true;
        QCOMPARE(Sampler(greedy, 4).sample(logits), TokenId(2));
        for (int k : {1, 2, 4}) {
            Sampler sampler(params(1.0f, k, 1.0f), 4);
            for (int i = 0; i < 200; ++i) {
                const TokenId id = sampler.sample(logits);
                QVERIFY2(id == 1 || id == 2,
                         qPrintable(QString("top-k %1 picked %2").arg(k).arg(id)));
            }
        }
        const std::vector<float> all_nan(4, nan);
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, Sampler(greedy, 4).sample(all_nan));
        Sampler sampled(params(0.5f, 2, 0.9f), 4);
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, sampled.sample(all_nan));
    }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
