#include "cli_support.h"
#include "commands.h"
#include "image_loader.h"

#include "nanovlm/json_limits.h"
#include "nanovlm/nanovlm.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace nanovlm::cli {
namespace {

struct GenerateArgs {
    QString model;
    QString tokenizer;
    QStringList images;
    std::optional<QString> prompt;
    std::optional<std::vector<TokenId>> input_ids;
    GenerationOptions generation;
    int threads = 0;
    int image_detail = 0;
    int top_logits = 0;
    WeightFormat weights = WeightFormat::F32;
    bool json = false;
};

std::optional<std::vector<TokenId>> parse_ids(const QString& text, QString* error) {
    try {
        const auto json = parse_json_limited(text.toStdString(), "--input-ids");
        if (!json.is_array()) {
            *error = QStringLiteral("--input-ids must be a JSON array of integers");
            return std::nullopt;
        }
        std::vector<TokenId> ids;
        for (const auto& v : json) {
            if (!v.is_number_integer() || v.get<long long>() < INT32_MIN ||
                v.get<long long>() > INT32_MAX) {
                *error = QStringLiteral("--input-ids: %1 is not a token id")
                             .arg(QString::fromStdString(json_text(v)));
                return std::nullopt;
            }
            ids.push_back(TokenId(v.get<long long>()));
        }
        return ids;
    } catch (const std::exception&) { // a syntax error, or Error: nested too deep
        *error = QStringLiteral("--input-ids must be a JSON array such as '[1, 4093, 198]'");
        return std::nullopt;
    }
}

// Returns the exit code on a problem, else fills `out`.
std::optional<int> parse_generate(const QStringList& args, GenerateArgs& out) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Answer a question about images."));
    p.addOptions({
        {"model", "Checkpoint folder (config.json + model.safetensors).", "DIR"},
        {"tokenizer", "tokenizer.json to use instead of the one found.", "FILE"},
        {"image", "An image to ask about (repeat for several, in order).", "FILE"},
        {"prompt", "The question.", "TEXT"},
        {"input-ids", "Exact input ids as a JSON array, image placeholders included.", "IDS"},
        {"max-new-tokens", "Most tokens to generate (default 256).", "N"},
        {"greedy", "Always take the most likely token."},
        {"temperature", "Sampling temperature (default 0.5).", "T"},
        {"top-k", "Sample among the K likeliest tokens (default 50; 0 = all).", "K"},
        {"top-p", "Nucleus sampling mass (default 0.9).", "P"},
        {"seed", "Random seed for sampling (default 0).", "S"},
        {"threads", "Threads to use (default: every core).", "N"},
        {"image-detail", "Most tiles per image side for tiled checkpoints (default: model's).",
         "N"},
        {"top-logits", "With --json: the K largest logits after the prompt.", "K"},
        {"json", "Print one JSON object instead of streaming text."},
        weights_option_spec(),
    });
    if (auto code = parse(p, args)) {
        return code;
    }
    if (!p.isSet("model")) {
        return usage_error(p, QStringLiteral("--model DIR is required"));
    }
    if (p.isSet("prompt") == p.isSet("input-ids")) {
        return usage_error(p, QStringLiteral("give either --prompt TEXT or --input-ids IDS"));
    }
    out.model = p.value("model");
    out.tokenizer = p.value("tokenizer");
    out.images = p.values("image");
    out.json = p.isSet("json");
    if (p.isSet("prompt")) {
        out.prompt = p.value("prompt");
    } else {
        QString error;
        out.input_ids = parse_ids(p.value("input-ids"), &error);
        if (!out.input_ids) {
            return usage_error(p, error);
        }
    }
    const auto max_new = int_option(p, "max-new-tokens", 256, 0, 1 << 20);
    const auto temperature = real_option(p, "temperature", 0.5, 1e-6, 100.0);
    const auto top_k = int_option(p, "top-k", 50, 0, 1 << 30);
    const auto top_p = real_option(p, "top-p", 0.9, 1e-6, 1.0);
    const auto seed = int_option(p, "seed", 0, 0, INT32_MAX);
    const auto threads = int_option(p, "threads", 0, 0, 1024);
    const auto detail = int_option(p, "image-detail", 0, 0, 64);
    const auto top_logits = int_option(p, "top-logits", 0, 0, 1 << 20);
    const auto weights = weights_option(p);
    if (!max_new || !temperature || !top_k || !top_p || !seed || !threads || !detail ||
        !top_logits || !weights) {
        return 2;
    }
    out.generation.max_new_tokens = *max_new;
    out.generation.sampling.greedy = p.isSet("greedy");
    out.generation.sampling.temperature = float(*temperature);
    out.generation.sampling.top_k = *top_k;
    out.generation.sampling.top_p = float(*top_p);
    out.generation.sampling.seed = std::uint64_t(*seed);
    out.threads = *threads;
    out.image_detail = *detail;
    out.top_logits = *top_logits;
    out.weights = *weights;
    return std::nullopt;
}

nlohmann::json top_logits_json(std::span<const float> logits, int k) {
    k = std::min<int>(k, int(logits.size()));
    std::vector<int> order(logits.size());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int a, int b) { return logits[a] > logits[b]; });
    nlohmann::json out = nlohmann::json::array();
    for (int i = 0; i < k; ++i) {
        out.push_back({order[i], logits[order[i]]});
    }
    return out;
}

} // namespace

int run_generate(const QStringList& args) {
    GenerateArgs a;
    if (auto code = parse_generate(args, a)) {
        return *code;
    }
    try {
        LoadOptions load;
        load.tokenizer_file = a.tokenizer.toStdString();
        load.require_tokenizer = a.prompt.has_value();
        load.weights = a.weights;
        const auto model = Model::load(a.model.toStdString(), load);

        ImageGeometry geometry = ImageGeometry::from_config(model->config());
        geometry.max_tiles_per_side = a.image_detail;
        std::vector<PreprocessedImage> images;
        for (const QString& path : a.images) {
            QString error;
            const auto image = app::read_image(path, &error);
            if (!image) {
                return failure(error);
            }
            images.push_back(preprocess_image(app::to_rgb_image(*image), geometry));
        }

        const std::vector<TokenId> ids =
            a.input_ids ? *a.input_ids
                        : PromptBuilder(*model).user_turn(a.prompt->toStdString(), images, false);

        SessionOptions session_options;
        session_options.threads = a.threads;
        Session session(model, session_options);
        const Tokenizer* tokenizer = model->tokenizer();
        std::optional<StreamingDecoder> stream;
        if (tokenizer != nullptr) {
            stream.emplace(*tokenizer, true);
        }
        nlohmann::json top_logits;
        RunControl control;
        control.cancel = &g_interrupted;
        const auto result = generate(session, ids, images, a.generation, control, [&](TokenId id) {
            // Called before the id is read back: the logits are still the prompt's.
            if (a.top_logits > 0 && top_logits.is_null()) {
                top_logits = top_logits_json(session.logits(), a.top_logits);
            }
            if (!a.json && stream) {
                std::fputs(stream->push(id).c_str(), stdout);
                std::fflush(stdout);
            }
            return true;
        });

        if (!a.json) {
            if (stream) {
                std::fputs(stream->finish().c_str(), stdout);
            }
            std::fputs("\n", stdout);
            if (result.context_full) {
                std::fflush(stdout);
                std::fprintf(stderr,
                             "nanovlm: the answer was cut short: the context (%d positions) is "
                             "full; ask with fewer or less detailed pictures\n",
                             session.max_context());
            }
            return result.cancelled ? 130 : 0;
        }
        nlohmann::json out;
        out["ids"] = result.ids;
        out["text"] = tokenizer != nullptr ? tokenizer->decode(result.ids, true) : std::string();
        out["prompt_tokens"] = result.prompt_tokens;
        out["image_tokens"] = result.image_tokens;
        out["top_logits"] = top_logits.is_null() ? nlohmann::json::array() : top_logits;
        out["stopped"] = result.cancelled      ? "cancelled"
                         : result.reached_eos  ? "eos"
                         : result.context_full ? "context"
                                               : "length";
        out["timings"] = {{"image_encode_ms", result.image_encode_ms},
                          {"prefill_ms", result.prefill_ms},
                          {"ttft_ms", result.ttft_ms},
                          {"decode_ms", result.decode_ms},
                          {"decode_tokens_per_s", result.decode_tokens_per_s()}};
        std::puts(json_text(out).c_str());
        return result.cancelled ? 130 : 0;
    } catch (const Error& e) {
        return failure(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        return failure(QStringLiteral("out of memory"));
    }
}

} // namespace nanovlm::cli
