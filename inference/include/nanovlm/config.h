#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nanovlm {

// The three nanoVLM checkpoint generations. They differ in how images become tokens and in
// the prompt format; the transformer math is the same.
enum class Generation {
    V0_1, // nanoVLM-222M: one image resized to a square, embeddings prepended to the text
    V0_2, // nanoVLM-450M: one image resized to a square, written over <|image|> placeholders
    Main, // nanoVLM-230M-8k / 460M-8k: image split into tiles plus a global view, ChatML
};

std::string_view generation_name(Generation generation);

// nanoVLM's VLMConfig as read from a checkpoint's config.json. Fields the file omits take the
// defaults of the generation the file belongs to (models/config.py at that generation's tag).
struct ModelConfig {
    Generation generation = Generation::Main;

    int vit_hidden_dim = 768;
    int vit_inter_dim = 3072;
    int vit_patch_size = 16;
    int vit_img_size = 512;
    int vit_n_heads = 12;
    int vit_n_blocks = 12;
    float vit_ln_eps = 1e-6f;
    bool vit_cls_flag = false;

    int lm_hidden_dim = 960;
    int lm_inter_dim = 2560;
    float lm_rms_eps = 1e-5f;
    double lm_re_base = 100000.0;
    int lm_max_position_embeddings = 8192;
    int lm_base_vocab_size = 49152;
    int lm_vocab_size = 49218;
    int lm_n_heads = 15;
    int lm_n_kv_heads = 5;
    int lm_n_blocks = 32;
    float lm_attn_scaling = 1.0f;
    int lm_max_length = 4096;
    bool lm_tie_weights = true;
    int lm_eos_token_id = 0;
    std::string lm_model_type;
    std::string lm_tokenizer;
    std::string lm_chat_template;

    int mp_pixel_shuffle_factor = 4;
    int mp_image_token_length = 64;

    int max_img_size = 2048;
    bool resize_to_max_side_len = true;

    // (key, token) pairs in the order config.json lists them; token i gets id
    // lm_base_vocab_size + i in the tokenizer.
    std::vector<std::pair<std::string, std::string>> vlm_extra_tokens;

    // The extra tokens' strings in id order, as the tokenizer adds them.
    std::vector<std::string> extra_token_strings() const {
        std::vector<std::string> tokens;
        for (const auto& [key, token] : vlm_extra_tokens) {
            tokens.push_back(token);
        }
        return tokens;
    }

    int lm_head_dim() const { return lm_hidden_dim / lm_n_heads; }
    int vit_head_dim() const { return vit_hidden_dim / vit_n_heads; }
    int vit_patches_per_side() const { return vit_img_size / vit_patch_size; }
    int vit_num_patches() const { return vit_patches_per_side() * vit_patches_per_side(); }
    // Embeddings one ViT image (a tile, for Main) becomes after the projector.
    int image_tokens_per_tile() const {
        return vit_num_patches() / (mp_pixel_shuffle_factor * mp_pixel_shuffle_factor);
    }
    // The id that ends an answer in this checkpoint's tokenizer.
    int eos_token_id() const;
    int mp_input_dim() const {
        return vit_hidden_dim * mp_pixel_shuffle_factor * mp_pixel_shuffle_factor;
    }
};

// Parses config.json text; `source` names the file in error messages. Throws Error on invalid
// JSON, a field of the wrong type, or values that cannot describe a model (zero sizes, head
// counts that do not divide the width, ...).
ModelConfig parse_model_config(std::string_view json_text, const std::string& source);
ModelConfig load_model_config(const std::string& path);

} // namespace nanovlm
