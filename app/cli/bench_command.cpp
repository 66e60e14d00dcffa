#include "cli_support.h"
#include "commands.h"
#include "image_loader.h"

#include "nanovlm/nanovlm.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>

#include <sys/resource.h> // getrusage

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

namespace nanovlm::cli {
namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n == 0 ? 0.0 : n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

int run_bench(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Time load, image encoding, prompt reading, first token and decoding (medians)."));
    p.addOptions({{"model", "Checkpoint folder.", "DIR"},
                  {"tokenizer", "tokenizer.json to use instead of the one found.", "FILE"},
                  {"image", "Image to encode.", "FILE"},
                  {"prompt", "The question.", "TEXT"},
                  {"new-tokens", "Tokens to decode each run (default 32).", "N"},
                  {"threads", "Threads (default: every core).", "N"},
                  {"repeat", "Runs to take the median of (default 3).", "R"},
                  {"image-detail", "Most tiles per image side (default: model's).", "N"},
                  {"json", "Print JSON."},
                  weights_option_spec()});
    if (auto code = parse(p, args)) {
        return *code;
    }
    if (!p.isSet("model") || !p.isSet("image") || !p.isSet("prompt")) {
        return usage_error(p, QStringLiteral("--model, --image and --prompt are required"));
    }
    const auto new_tokens = int_option(p, "new-tokens", 32, 1, 100000);
    const auto threads = int_option(p, "threads", 0, 0, 1024);
    const auto repeat = int_option(p, "repeat", 3, 1, 1000);
    const auto detail = int_option(p, "image-detail", 0, 0, 64);
    const auto weights = weights_option(p);
    if (!new_tokens || !threads || !repeat || !detail || !weights) {
        return 2;
    }
    try {
        QString error;
        const auto decoded = app::read_image(p.value("image"), &error);
        if (!decoded) {
            return failure(error);
        }
        const RgbImage rgb = app::to_rgb_image(*decoded);

        // Loading is timed on its own; the answers then run on one loaded model, as in the app.
        // The first answer after a load also pays for first touching the mapped weights: it is
        // reported apart (cold_ttft_ms) and the medians come from the runs after it.
        std::vector<double> load, preprocess, encode, prefill, ttft, decode;
        std::shared_ptr<const Model> model;
        for (int run = 0; run < *repeat; ++run) {
            const auto start = std::chrono::steady_clock::now();
            LoadOptions options;
            options.tokenizer_file = p.value("tokenizer").toStdString();
            options.require_tokenizer = true;
            options.weights = *weights;
            model = Model::load(p.value("model").toStdString(), options);
            load.push_back(ms_since(start));
        }
        ImageGeometry geometry = ImageGeometry::from_config(model->config());
        geometry.max_tiles_per_side = *detail;
        int prefill_tokens = 0, image_tokens = 0, tiles = 0;
        double cold_ttft = 0;
        for (int run = 0; run <= *repeat; ++run) {
            const auto start = std::chrono::steady_clock::now();
            const PreprocessedImage image = preprocess_image(rgb, geometry);
            const double preprocess_ms = ms_since(start);
            tiles = image.tile_count();

            const auto ids = PromptBuilder(*model).user_turn(p.value("prompt").toStdString(),
                                                             {&image, 1}, false);
            SessionOptions session_options;
            session_options.threads = *threads;
            Session session(model, session_options);
            GenerationOptions generation;
            generation.sampling.greedy = true;
            generation.max_new_tokens = *new_tokens;
            generation.eos_id = std::numeric_limits<TokenId>::max(); // decode every token asked
            const auto result = generate(session, ids, {&image, 1}, generation);
            prefill_tokens = result.prompt_tokens;
            image_tokens = result.image_tokens;
            if (run == 0) {
                cold_ttft = preprocess_ms + result.ttft_ms;
                continue;
            }
            preprocess.push_back(preprocess_ms);
            encode.push_back(result.image_encode_ms);
            prefill.push_back(result.prefill_ms);
            ttft.push_back(preprocess_ms + result.ttft_ms);
            decode.push_back(result.decode_tokens_per_s());
        }
        nlohmann::ordered_json out;
        out["model"] = p.value("model").toStdString();
        out["repeat"] = *repeat;
        out["threads"] = *threads;
        out["weights"] = std::string(weight_format_name(*weights));
        out["matrix_kernels"] = matrix_kernels();
        // What the weights occupy while running (Model::weight_memory_bytes), of which the int8
        // or bf16 copies made at load.
        out["weight_bytes"] = model->weight_memory_bytes();
        out["quantized_bytes"] = model->quantized_bytes();
        out["tiles"] = tiles;
        out["load_ms"] = median(load);
        out["preprocess_ms"] = median(preprocess);
        out["image_encode_ms"] = median(encode);
        out["prefill_ms"] = median(prefill);
        out["prefill_tokens"] = prefill_tokens;
        out["image_tokens"] = image_tokens;
        out["ttft_ms"] = median(ttft);
        out["cold_ttft_ms"] = cold_ttft;
        out["decode_tokens"] = *new_tokens;
        out["decode_tokens_per_s"] = median(decode);
        out["peak_rss_mb"] = peak_rss_mb();
        if (p.isSet("json")) {
            std::puts(json_text(out, 2).c_str());
            return 0;
        }
        std::printf("%-22s %12s\n", "figure", "median");
        for (const auto& [key, value] : out.items()) {
            if (value.is_number_float()) {
                std::printf("%-22s %12.1f\n", key.c_str(), value.get<double>());
            } else if (value.is_number()) {
                std::printf("%-22s %12lld\n", key.c_str(), value.get<long long>());
            } else if (key == "weights" || key == "matrix_kernels") {
                std::printf("%-22s %12s\n", key.c_str(), value.get<std::string>().c_str());
            }
        }
        return 0;
    } catch (const Error& e) {
        return failure(QString::fromStdString(e.what()));
    }
}

} // namespace nanovlm::cli
