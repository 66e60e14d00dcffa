#pragma once

// The checks every reduced weight mode (int8, bf16) must pass against float32 on the parity
// fixtures. Each test executable includes this header once: it replaces operator new to count
// allocations.

#include "../logit_cosine.h"
#include "parity_fixtures.h"

#include "kernels.h"
#include "language_model.h"
#include "model_impl.h" // Model::Impl: the converted weights, to turn them back into floats
#include "quantized.h"
#include "thread_pool.h"
#include "vision_encoder.h"
#include "weights.h"

#include "nanovlm/model.h"
#include "nanovlm/sampler.h"
#include "nanovlm/session.h"

#include <QString>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <new>
#include <vector>

namespace reduced {
inline std::atomic<long> allocations{0};
} // namespace reduced

void* operator new(std::size_t size) {
    reduced::allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t alignment) {
    reduced::allocations.fetch_add(1, std::memory_order_relaxed);
    const std::size_t a = std::size_t(alignment);
    if (void* p = std::aligned_alloc(a, (std::max<std::size_t>(size, 1) + a - 1) / a * a)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}

namespace reduced {

inline std::shared_ptr<const nanovlm::Model> load(const nlohmann::json& c,
                                                  nanovlm::WeightFormat format) {
    nanovlm::LoadOptions options;
    options.weights = format;
    return nanovlm::Model::load(parity::path(c["ckpt"].get<std::string>()).toStdString(), options);
}

// Writes the float values a converted layer stands for into `out` ([out, in]).
using ToFloats = std::function<void(const nanovlm::Linear&, float* out)>;

// A copy of converted weights whose converted layers point at float32 copies of what they stand
// for, so the float32 path computes exactly the reduced model.
struct AsFloats {
    std::vector<std::vector<float>> buffers;
    nanovlm::Weights weights;
};

inline AsFloats as_floats(const nanovlm::Weights& converted, const ToFloats& to_floats) {
    AsFloats d{{}, converted};
    for (nanovlm::Linear* l : nanovlm::int8_layers(d.weights)) {
        auto& values = d.buffers.emplace_back(std::size_t(l->out) * l->in);
        to_floats(*l, values.data());
        l->weight = values.data();
        l->qweight = nullptr;
        l->scales = nullptr;
        l->bweight = nullptr;
    }
    return d;
}

// The reduced engine computes exactly the reduced model: its ViT and LM give what the float32
// path gives on the same weights as floats, in prefill and 8 decoding steps. So any difference
// from float32 elsewhere is the conversion alone. Empty when so, else what differed.
inline QString paths_equal_f32_on_same_values(nanovlm::WeightFormat format,
                                              const ToFloats& to_floats) {
    const auto c = parity::cases()[0];
    const auto model = load(c, format);
    const nanovlm::ModelConfig& config = model->config();
    const nanovlm::WeightStore& store = *model->impl().store;
    const AsFloats reference = as_floats(store.weights(), to_floats);
    nanovlm::ThreadPool pool(3);
    pool.reserve_scratch(nanovlm::kernels::linear_scratch_floats(store.max_quantized_in()));

    const auto image = parity::dumped_pixels(c, config);
    const std::size_t vit_size = std::size_t(config.vit_num_patches()) * config.vit_hidden_dim;
    std::vector<float> vit_reduced(vit_size), vit_f32(vit_size);
    nanovlm::VisionEncoder(config, store.weights().vision)
        .encode(image.tile(0), vit_reduced.data(), pool, nullptr);
    nanovlm::VisionEncoder(config, reference.weights.vision)
        .encode(image.tile(0), vit_f32.data(), pool, nullptr);
    double error = parity::max_relative_error(vit_reduced.data(), vit_f32.data(), vit_size);
    if (!(error <= 1e-5)) {
        return QString("ViT outputs differ by %1").arg(error);
    }

    const auto ids = c["ids"].get<std::vector<nanovlm::TokenId>>();
    const int h = config.lm_hidden_dim, count = int(ids.size());
    nanovlm::LanguageModel lm_reduced(config, store.weights().language, 2 * count, count, 3);
    nanovlm::LanguageModel lm_f32(config, reference.weights.language, 2 * count, count, 3);
    std::vector<float> rows(std::size_t(count) * h);
    for (int t = 0; t < count; ++t) {
        lm_f32.embed(ids[std::size_t(t)], rows.data() + std::size_t(t) * h);
    }
    std::vector<float> logits_reduced(std::size_t(config.lm_vocab_size)),
        logits_f32(logits_reduced.size());
    lm_reduced.forward(rows.data(), count, 0, logits_reduced.data(), pool);
    lm_f32.forward(rows.data(), count, 0, logits_f32.data(), pool);
    error = parity::max_relative_error(logits_reduced.data(), logits_f32.data(), logits_f32.size());
    if (!(error <= 1e-5)) {
        return QString("prefill logits differ by %1").arg(error);
    }
    for (int step = 0; step < 8; ++step) {
        lm_f32.embed(ids[std::size_t(step)], rows.data());
        lm_reduced.forward(rows.data(), 1, count + step, logits_reduced.data(), pool);
        lm_f32.forward(rows.data(), 1, count + step, logits_f32.data(), pool);
        error =
            parity::max_relative_error(logits_reduced.data(), logits_f32.data(), logits_f32.size());
        if (!(error <= 1e-5)) {
            return QString("decoding step %1: logits differ by %2").arg(step).arg(error);
        }
    }
    return {};
}

// Teacher-forced agreement with float32 on one fixture: both sessions read float32's greedy id
// after each step. A disagreement is measured by float32's lead over the reduced model's choice
// in rms changes of the logits at that step.
struct Agreement {
    double cosine = 0.0; // of the last logits after the prompt
    int same = 0;
    int steps = 0;
    double worst_flip = 0.0;
};

inline Agreement teacher_forced(const std::shared_ptr<const nanovlm::Model>& f32,
                                const std::shared_ptr<const nanovlm::Model>& reduced,
                                const nanovlm::PreprocessedImage& image,
                                const std::vector<nanovlm::TokenId>& ids, int steps) {
    nanovlm::Session session_f32(f32), session_reduced(reduced);
    for (nanovlm::Session* s : {&session_f32, &session_reduced}) {
        const auto embedding = s->encode_image(image);
        if (!embedding || !s->append(ids, {&*embedding, 1})) {
            return {};
        }
    }
    Agreement result;
    result.steps = steps;
    result.cosine = nanovlm::test::cosine(session_f32.logits(), session_reduced.logits());
    for (int step = 0; step < steps; ++step) {
        const auto a = session_f32.logits(), b = session_reduced.logits();
        const auto pick_f32 = std::max_element(a.begin(), a.end()) - a.begin();
        const auto pick_reduced = std::max_element(b.begin(), b.end()) - b.begin();
        if (pick_f32 == pick_reduced) {
            ++result.same;
        } else {
            double squares = 0.0;
            for (std::size_t i = 0; i < a.size(); ++i) {
                squares += (double(b[i]) - a[i]) * (double(b[i]) - a[i]);
            }
            const double noise = std::sqrt(squares / double(a.size()));
            result.worst_flip =
                std::max(result.worst_flip, (a[pick_f32] - a[pick_reduced]) / noise);
        }
        session_f32.append_token(nanovlm::TokenId(pick_f32));
        session_reduced.append_token(nanovlm::TokenId(pick_f32));
    }
    return result;
}

// Allocations made by `steps` greedy decoding steps in the given mode (the prefill scratch is
// sized when the session is built), or -1 when the operator new hook is not in effect.
inline long decoding_allocations(nanovlm::WeightFormat format, int steps) {
    const auto c = parity::cases()[0];
    const auto model = load(c, format);
    nanovlm::SessionOptions session_options;
    session_options.threads = 2;
    nanovlm::Session session(model, session_options);
    const long at_start = allocations.load();
    const auto image = session.encode_image(parity::dumped_pixels(c, model->config()));
    if (!image || allocations.load() == at_start) {
        return -1; // encode_image returned a new vector without a counted allocation
    }
    if (!session.append(c["ids"].get<std::vector<nanovlm::TokenId>>(), {&*image, 1})) {
        return -1;
    }
    nanovlm::SamplingParams params;
    params.greedy = true;
    nanovlm::Sampler sampler(params, session.logits().size());
    const long before = allocations.load();
    for (int step = 0; step < steps; ++step) {
        session.append_token(sampler.sample(session.logits()));
    }
    return allocations.load() - before;
}

} // namespace reduced
