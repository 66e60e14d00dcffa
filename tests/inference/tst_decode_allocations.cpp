// Decoding allocates nothing (STYLE.md §5): after the prompt is read, each Session::append_token
// and each Sampler::sample runs on buffers sized when the session and the sampler were built.
// This file replaces the global operator new/delete with counting versions, so every C++ heap
// allocation in the process (engine, standard library, every thread) is seen.

#include "parity_fixtures.h"

#include "nanovlm/generation.h"
#include "nanovlm/model.h"
#include "nanovlm/sampler.h"
#include "nanovlm/session.h"

#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<long> g_allocations{0};

void* counted_alloc(std::size_t size, std::size_t alignment = 0) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (size == 0) {
        size = 1;
    }
    void* p = nullptr;
    if (alignment > alignof(std::max_align_t)) {
        size = (size + alignment - 1) / alignment * alignment;
        p = std::aligned_alloc(alignment, size);
    } else {
        p = std::malloc(size);
    }
    return p;
}

} // namespace

void* operator new(std::size_t size) {
    if (void* p = counted_alloc(size)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* p = counted_alloc(size)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t alignment) {
    if (void* p = counted_alloc(size, std::size_t(alignment))) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
    if (void* p = counted_alloc(size, std::size_t(alignment))) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
    return counted_alloc(size, std::size_t(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
    return counted_alloc(size, std::size_t(alignment));
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}

class TestDecodeAllocations : public QObject {
    Q_OBJECT

private:
    static constexpr int kSteps = 32;

    static std::shared_ptr<const nanovlm::Model> load_fixture() {
        return nanovlm::Model::load((parity::root() + "/main/ckpt").toStdString());
    }

    // The main-64x64 case: its ids, and PyTorch's projector output for its <|image|> ids.
    static std::vector<nanovlm::TokenId> case_ids() {
        return parity::read_json(parity::root() + "/main/64x64/case.json")["ids"]
            .get<std::vector<nanovlm::TokenId>>();
    }
    static nanovlm::ImageEmbedding case_image() {
        nanovlm::ImageEmbedding e;
        e.tiles = 1;
        e.tokens = 4;
        e.values = parity::read_f32(parity::root() + "/main/64x64/dumps/image_embd.f32");
        return e;
    }

private slots:
    // The counter sees allocations made inside the engine library, on any thread, so a zero
    // below means "nothing allocated", not "nothing counted".
    void the_hook_counts_engine_allocations() {
        const auto model = load_fixture();
        nanovlm::Session session(model);
        const auto before = g_allocations.load();
        const auto embedding = session.encode_image([] {
            nanovlm::PreprocessedImage image;
            image.tile_size = 64;
            image.pixels = parity::read_f32(parity::root() + "/main/64x64/dumps/pixel_values.f32");
            return image;
        }());
        QVERIFY(embedding.has_value());
        QVERIFY2(g_allocations.load() > before,
                 "encode_image returned a new vector without a counted allocation: the "
                 "operator new hook is not in effect");
    }

    void decoding_allocates_nothing_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("greedy");
        QTest::addRow("1 thread, greedy") << 1 << true;
        QTest::addRow("4 threads, greedy") << 4 << true;
        QTest::addRow("4 threads, nanoVLM sampling") << 4 << false;
    }
    void decoding_allocates_nothing() {
        QFETCH(int, threads);
        QFETCH(bool, greedy);
        const auto model = load_fixture();
        nanovlm::SessionOptions options;
        options.threads = threads;
        nanovlm::Session session(model, options);
        const auto ids = case_ids();
        const auto image = case_image();
        QVERIFY(session.append(ids, {&image, 1}));

        nanovlm::SamplingParams params; // nanoVLM's defaults: top-k 50, top-p 0.9, T 0.5
        params.greedy = greedy;
        params.seed = 3;
        nanovlm::Sampler sampler(params, session.logits().size());
        nanovlm::TokenId generated[kSteps] = {};

        const long before = g_allocations.load();
        for (int step = 0; step < kSteps; ++step) {
            const nanovlm::TokenId id = sampler.sample(session.logits());
            session.append_token(id);
            generated[step] = id;
        }
        const long allocations = g_allocations.load() - before;

        QCOMPARE(session.position(), int(ids.size()) + kSteps);
        QVERIFY2(std::all_of(std::begin(generated), std::end(generated),
                             [](nanovlm::TokenId id) { return id >= 0 && id < 49218; }),
                 "the decode loop did not run on valid ids");
        QVERIFY2(allocations == 0,
                 qPrintable(QString("%1 allocations in %2 decoding steps (sample + append_token)")
                                .arg(allocations)
                                .arg(kSteps)));
    }

    // A follow-up question (text only) is read into the buffers sized at construction too.
    void reading_a_follow_up_allocates_nothing() {
        const auto model = load_fixture();
        nanovlm::Session session(model);
        const auto ids = case_ids();
        const auto image = case_image();
        QVERIFY(session.append(ids, {&image, 1}));
        // "Caption this.<|im_end|>\n<|im_start|>assistant\n" again: the case's ids after its image.
        const std::vector<nanovlm::TokenId> follow_up(ids.begin() + 8, ids.end());
        const long before = g_allocations.load();
        QVERIFY(session.append(follow_up));
        const long allocations = g_allocations.load() - before;
        QCOMPARE(session.position(), int(ids.size() + follow_up.size()));
        QVERIFY2(
            allocations == 0,
            qPrintable(
                QString("%1 allocations reading %2 ids").arg(allocations).arg(follow_up.size())));
    }

    // generate() may allocate per answer (its sampler, the id list) but not per token: 8 and 32
    // tokens cost the same number of allocations.
    void generate_allocations_do_not_grow_with_tokens() {
        const auto model = load_fixture();
        const auto ids = case_ids();
        const auto image = case_image();
        auto count = [&](int tokens) -> long {
            nanovlm::Session session(model);
            if (!session.append(ids, {&image, 1})) {
                return -1;
            }
            nanovlm::GenerationOptions options;
            options.sampling.seed = 5; // nanoVLM's sampling defaults
            options.max_new_tokens = tokens;
            options.eos_id = 49217; // <row_8_col_8>: never sampled here, so every step runs
            const long before = g_allocations.load();
            const auto result = nanovlm::generate(session, {}, {}, options);
            const long allocations = g_allocations.load() - before;
            return int(result.ids.size()) == tokens ? allocations : -1;
        };
        const long short_answer = count(8);
        const long long_answer = count(kSteps);
        QVERIFY2(short_answer >= 0 && long_answer >= 0, "an answer stopped early");
        QVERIFY2(short_answer == long_answer,
                 qPrintable(QString("generate() made %1 allocations for 8 tokens and %2 for %3")
                                .arg(short_answer)
                                .arg(long_answer)
                                .arg(kSteps)));
    }
};

QTEST_GUILESS_MAIN(TestDecodeAllocations)
#include "tst_decode_allocations.moc"
