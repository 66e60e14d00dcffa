#include "cli_support.h"
#include "commands.h"

#include "nanovlm/nanovlm.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>

#include <cstdio>

namespace nanovlm::cli {
namespace {

double mib(std::size_t bytes) {
    return double(bytes) / (1024.0 * 1024.0);
}

} // namespace

int run_inspect(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Describe a nanoVLM checkpoint."));
    p.addOptions({{"model", "Checkpoint folder.", "DIR"},
                  {"tokenizer", "tokenizer.json to use instead of the one found.", "FILE"},
                  {"json", "Print JSON."},
                  weights_option_spec()});
    if (auto code = parse(p, args)) {
        return *code;
    }
    if (!p.isSet("model")) {
        return usage_error(p, QStringLiteral("--model DIR is required"));
    }
    const auto weights = weights_option(p);
    if (!weights) {
        return 2;
    }
    try {
        LoadOptions load;
        load.tokenizer_file = p.value("tokenizer").toStdString();
        load.weights = *weights;
        const auto model = Model::load(p.value("model").toStdString(), load);
        const ModelConfig& c = model->config();
        const ImageGeometry geometry = ImageGeometry::from_config(c);
        // Worst case at default detail: the largest grid DynamicResize can produce, plus global.
        const int side_tiles = geometry.mode == ImageGeometry::Mode::Tiles
                                   ? std::max(1, c.max_img_size / c.vit_img_size)
                                   : 1;
        const int max_tiles = side_tiles * side_tiles + (side_tiles > 1 ? 1 : 0);
        const int context = std::min(4096, c.lm_max_position_embeddings);
        // The model picker's estimate (KV cache, session scratch), with the weights as loaded:
        // int8 or bf16 copies replace float ones.
        MemoryEstimate memory = estimate_memory(c, 0, 0, context, 0);
        memory.weights = model->weight_memory_bytes();
        const std::size_t estimate = memory.total();

        nlohmann::json out;
        out["directory"] = model->directory();
        out["generation"] = std::string(generation_name(c.generation));
        out["parameters"] = model->parameter_count();
        out["file_bytes"] = model->file_bytes();
        out["weights"] = std::string(weight_format_name(model->weight_format()));
        out["quantized_bytes"] = model->quantized_bytes();
        out["vision"] = {{"image_size", c.vit_img_size}, {"patch_size", c.vit_patch_size},
                         {"hidden", c.vit_hidden_dim},   {"blocks", c.vit_n_blocks},
                         {"heads", c.vit_n_heads},       {"mlp", c.vit_inter_dim}};
        out["language"] = {{"hidden", c.lm_hidden_dim},
                           {"blocks", c.lm_n_blocks},
                           {"heads", c.lm_n_heads},
                           {"kv_heads", c.lm_n_kv_heads},
                           {"mlp", c.lm_inter_dim},
                           {"vocab", c.lm_vocab_size},
                           {"max_positions", c.lm_max_position_embeddings}};
        out["image_tokens_per_tile"] = c.image_tokens_per_tile();
        out["max_tiles_per_image"] = max_tiles;
        out["max_image_tokens"] = max_tiles * c.image_tokens_per_tile();
        out["context"] = context;
        out["memory_estimate_bytes"] = estimate;
        out["eos_token_id"] = c.eos_token_id();
        out["tokenizer"] = model->tokenizer() != nullptr
                               ? nlohmann::json(model->tokenizer()->source())
                               : nlohmann::json(nullptr);
        if (model->tokenizer() == nullptr) {
            out["tokenizer_problem"] = model->tokenizer_problem();
        }
        if (p.isSet("json")) {
            std::puts(json_text(out, 2).c_str());
            return 0;
        }
        std::printf("checkpoint   %s\n", printable(model->directory()).c_str());
        std::printf("generation   %s\n", out["generation"].get<std::string>().c_str());
        std::printf("parameters   %.1f M (%.1f MiB on disk)\n",
                    double(model->parameter_count()) / 1e6, mib(model->file_bytes()));
        if (model->weight_format() == WeightFormat::Int8) {
            std::printf("weights      int8, %.1f MiB quantized at load\n",
                        mib(model->quantized_bytes()));
        } else if (model->weight_format() == WeightFormat::Bf16) {
            std::printf("weights      bf16, %.1f MiB converted at load\n",
                        mib(model->quantized_bytes()));
        } else {
            std::printf("weights      f32\n");
        }
        std::printf("vision       %d px, patch %d, %d blocks x %d wide\n", c.vit_img_size,
                    c.vit_patch_size, c.vit_n_blocks, c.vit_hidden_dim);
        std::printf("language     %d blocks x %d wide, %d/%d heads, vocab %d\n", c.lm_n_blocks,
                    c.lm_hidden_dim, c.lm_n_heads, c.lm_n_kv_heads, c.lm_vocab_size);
        std::printf("image        %d tokens per tile, up to %d tiles (%d tokens)\n",
                    c.image_tokens_per_tile(), max_tiles, max_tiles * c.image_tokens_per_tile());
        std::printf("memory       about %.0f MiB with a %d-token context\n", mib(estimate),
                    context);
        if (model->tokenizer() != nullptr) {
            std::printf("tokenizer    %s\n", printable(model->tokenizer()->source()).c_str());
        } else {
            std::printf("tokenizer    not found: %s\n",
                        printable(model->tokenizer_problem(), true).c_str());
        }
        return 0;
    } catch (const Error& e) {
        return failure(QString::fromStdString(e.what()));
    }
}

} // namespace nanovlm::cli
