// Writes a nanoVLM checkpoint folder (config.json + model.safetensors) with random weights at a
// real model's size, so anyone can benchmark the engine without downloading weights.
//
//   make_random_checkpoint v0.1-222M OUT_DIR
//   make_random_checkpoint main-460M OUT_DIR

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "weights.h" // tensor_table

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

namespace {

// Configs of the released checkpoints (their config.json on the Hugging Face hub).
nlohmann::ordered_json config_for(const std::string& name) {
    if (name == "v0.1-222M") {
        return {{"vit_hidden_dim", 768},
                {"vit_inter_dim", 3072},
                {"vit_patch_size", 16},
                {"vit_img_size", 224},
                {"vit_n_heads", 12},
                {"vit_n_blocks", 12},
                {"vit_ln_eps", 1e-6},
                {"vit_cls_flag", false},
                {"vit_model_type", "google/siglip-base-patch16-224"},
                {"lm_hidden_dim", 576},
                {"lm_inter_dim", 1536},
                {"lm_rms_eps", 1e-5},
                {"lm_re_base", 100000},
                {"lm_max_position_embeddings", 8192},
                {"lm_vocab_size", 49152},
                {"lm_n_heads", 9},
                {"lm_n_kv_heads", 3},
                {"lm_n_blocks", 30},
                {"lm_attn_scaling", 1.0},
                {"lm_max_length", 79},
                {"lm_use_tokens", false},
                {"lm_tie_weights", true},
                {"lm_model_type", "HuggingFaceTB/SmolLM2-135M"},
                {"lm_tokenizer", "HuggingFaceTB/cosmo2-tokenizer"},
                {"lm_eos_token_id", 0},
                {"mp_pixel_shuffle_factor", 2}};
    }
    if (name == "main-460M") {
        nlohmann::ordered_json extra = {{"image_token", "<|image|>"},
                                        {"global_image_token", "<|global_image|>"}};
        for (int r = 1; r <= 8; ++r) {
            for (int c = 1; c <= 8; ++c) {
                const std::string row = std::to_string(r), col = std::to_string(c);
                std::string key = "r", token = "<row_";
                key.append(row).append("c").append(col);
                token.append(row).append("_col_").append(col).append(">");
                extra[key] = token;
            }
        }
        return {{"vit_hidden_dim", 768},
                {"vit_inter_dim", 3072},
                {"vit_patch_size", 16},
                {"vit_img_size", 512},
                {"vit_n_heads", 12},
                {"vit_n_blocks", 12},
                {"vit_ln_eps", 1e-6},
                {"vit_cls_flag", false},
                {"vit_model_type", "google/siglip2-base-patch16-512"},
                {"lm_hidden_dim", 960},
                {"lm_inter_dim", 2560},
                {"lm_rms_eps", 1e-5},
                {"lm_re_base", 100000},
                {"lm_max_position_embeddings", 8192},
                {"lm_base_vocab_size", 49152},
                {"extra_token_amount", 66},
                {"lm_vocab_size", 49218},
                {"lm_n_heads", 15},
                {"lm_n_kv_heads", 5},
                {"lm_n_blocks", 32},
                {"lm_attn_scaling", 1.0},
                {"lm_max_length", 4096},
                {"lm_use_tokens", false},
                {"lm_tie_weights", true},
                {"lm_model_type", "HuggingFaceTB/SmolLM2-360M-Instruct"},
                {"lm_tokenizer", "HuggingFaceTB/SmolLM2-360M-Instruct"},
                {"mp_pixel_shuffle_factor", 4},
                {"mp_image_token_length", 64},
                {"max_img_size", 2048},
                {"resize_to_max_side_len", true},
                {"vlm_extra_tokens", extra}};
    }
    return {};
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3 || config_for(argv[1]).is_null()) {
        std::fprintf(stderr, "usage: make_random_checkpoint {v0.1-222M|main-460M} OUT_DIR\n");
        return 2;
    }
    namespace fs = std::filesystem;
    const fs::path out(argv[2]);
    fs::create_directories(out);
    const auto config_json = config_for(argv[1]);
    std::ofstream(out / "config.json") << config_json.dump(4);
    try {
        const nanovlm::ModelConfig config =
            nanovlm::parse_model_config(config_json.dump(), "config.json");
        nlohmann::ordered_json header;
        std::size_t offset = 0;
        auto table = nanovlm::tensor_table(config);
        std::erase_if(table, [](const nanovlm::TensorSpec& s) { return !s.required; });
        for (const auto& spec : table) {
            std::size_t count = 1;
            for (auto d : spec.shape) {
                count *= std::size_t(d);
            }
            header[spec.name] = {{"dtype", "F32"},
                                 {"shape", spec.shape},
                                 {"data_offsets", {offset, offset + 4 * count}}};
            offset += 4 * count;
        }
        std::string text = header.dump();
        text.resize((text.size() + 7) / 8 * 8, ' ');
        std::ofstream file(out / "model.safetensors", std::ios::binary);
        const std::uint64_t length = text.size();
        file.write(reinterpret_cast<const char*>(&length), 8);
        file.write(text.data(), std::streamsize(text.size()));
        std::mt19937 rng(1234);
        std::normal_distribution<float> normal(0.0f, 0.02f);
        std::vector<float> values;
        for (const auto& spec : table) {
            std::size_t count = 1;
            for (auto d : spec.shape) {
                count *= std::size_t(d);
            }
            const bool norm = spec.name.find("norm") != std::string::npos ||
                              spec.name.find("ln") != std::string::npos;
            values.resize(count);
            for (float& v : values) {
                v = norm && spec.shape.size() == 1 ? 1.0f : normal(rng);
            }
            file.write(reinterpret_cast<const char*>(values.data()),
                       std::streamsize(count * sizeof(float)));
        }
        std::printf("wrote %s (%zu tensors, %.1f MB)\n", out.c_str(), table.size(),
                    double(offset) / 1e6);
    } catch (const nanovlm::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
