#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/json_limits.h"
#include "regular_file.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <set>

namespace nanovlm {
namespace {

using Json = nlohmann::ordered_json; // keeps vlm_extra_tokens in file order: that order is the ids

// The largest magnitude an integer field may have: far above any real model's (a 49218-token
// vocabulary, 2048-pixel images), and small enough that the sizes derived from two fields
// (4 · vit_hidden_dim, a vocabulary plus its extra tokens) cannot overflow an int.
constexpr double kMaxFieldMagnitude = 16777216.0; // 2^24
// The largest size derived from several fields (patches a tile, the projector's input width).
constexpr std::int64_t kMaxDerivedSize = std::int64_t(1) << 30;
// The most blocks a stack may have: nanoVLM's have 12 to 32. The tensor table names some 16
// tensors a block, so a config asking for millions made loading spend minutes before the
// weights could disagree.
constexpr int kMaxBlocks = 1024;

std::vector<std::pair<std::string, std::string>> main_extra_tokens() {
    std::vector<std::pair<std::string, std::string>> tokens = {
        {"image_token", "<|image|>"}, {"global_image_token", "<|global_image|>"}};
    for (int r = 1; r <= 8; ++r) {
        for (int c = 1; c <= 8; ++c) {
            const std::string row = std::to_string(r), col = std::to_string(c);
            std::string key = "r";
            key.append(row).append("c").append(col);
            std::string token = "<row_";
            token.append(row).append("_col_").append(col).append(">");
            tokens.emplace_back(std::move(key), std::move(token));
        }
    }
    return tokens;
}

// Defaults of models/config.py at each generation's tag (v0.1, v0.2, main @ 4e0c096).
ModelConfig defaults_for(Generation generation) {
    ModelConfig c;
    c.generation = generation;
    switch (generation) {
    case Generation::V0_1:
        c.vit_img_size = 224;
        c.lm_hidden_dim = 576;
        c.lm_inter_dim = 1536;
        c.lm_vocab_size = 49152;
        c.lm_n_heads = 9;
        c.lm_n_kv_heads = 3;
        c.lm_n_blocks = 30;
        c.lm_max_length = 128 - 49;
        c.lm_model_type = "HuggingFaceTB/SmolLM2-135M";
        c.lm_tokenizer = "HuggingFaceTB/cosmo2-tokenizer";
        c.mp_pixel_shuffle_factor = 2;
        c.mp_image_token_length = 0; // derived from the ViT grid below
        c.max_img_size = 224;
        c.resize_to_max_side_len = false;
        break;
    case Generation::V0_2:
        c.vit_img_size = 256;
        c.lm_hidden_dim = 576;
        c.lm_inter_dim = 1536;
        c.lm_vocab_size = 49153;
        c.lm_n_heads = 9;
        c.lm_n_kv_heads = 3;
        c.lm_n_blocks = 30;
        c.lm_max_length = 512;
        c.lm_model_type = "HuggingFaceTB/SmolLM2-360M-Instruct";
        c.lm_tokenizer = "HuggingFaceTB/SmolLM2-360M-Instruct";
        c.mp_pixel_shuffle_factor = 2;
        c.mp_image_token_length = 64;
        c.max_img_size = 256;
        c.resize_to_max_side_len = false;
        c.vlm_extra_tokens = {{"image_token", "<|image|>"}};
        break;
    case Generation::Main:
        c.lm_model_type = "HuggingFaceTB/SmolLM2-360M-Instruct";
        c.lm_tokenizer = "HuggingFaceTB/SmolLM2-360M-Instruct";
        c.lm_chat_template =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + "
            "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt "
            "%}{{ '<|im_start|>assistant\n' }}{% endif %}";
        c.vlm_extra_tokens = main_extra_tokens();
        break;
    }
    return c;
}

// The generation is read from which fields the file has, never from the folder name: v0.1
// knows no image placeholders, v0.2 added them, main added tiling and the chat template.
Generation detect_generation(const Json& j) {
    if (j.contains("max_img_size") || j.contains("resize_to_max_side_len") ||
        j.contains("lm_chat_template")) {
        return Generation::Main;
    }
    if (j.contains("vlm_extra_tokens") && j["vlm_extra_tokens"].is_object() &&
        j["vlm_extra_tokens"].contains("global_image_token")) {
        return Generation::Main;
    }
    if (j.contains("mp_image_token_length") || j.contains("vlm_extra_tokens")) {
        return Generation::V0_2;
    }
    return Generation::V0_1;
}

class FieldReader {
public:
    FieldReader(const Json& j, const std::string& source) : j_(j), source_(source) {}

    template <typename T> void read(const char* key, T& out) const {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) {
            return;
        }
        if constexpr (std::is_same_v<T, bool>) {
            require(it->is_boolean(), key, "a boolean", *it);
        } else if constexpr (std::is_integral_v<T>) {
            // Whole floats (64.0) count as integers; trunc, not a cast, so that 1e80 is not UB.
            require(it->is_number_integer() ||
                        (it->is_number_float() &&
                         std::trunc(it->template get<double>()) == it->template get<double>()),
                    key, "an integer", *it);
            const double value = it->template get<double>();
            require(value >= -kMaxFieldMagnitude && value <= kMaxFieldMagnitude, key,
                    "an integer between -16777216 and 16777216", *it);
        } else if constexpr (std::is_floating_point_v<T>) {
            require(it->is_number(), key, "a number", *it);
        } else {
            require(it->is_string(), key, "a string", *it);
        }
        out = it->template get<T>();
    }

    void require(bool ok, const char* key, const char* expected, const Json& found) const {
        if (!ok) {
            std::string shown = found.dump();
            if (shown.size() > 60) {
                shown = shown.substr(0, 57) + "...";
            }
            throw Error(source_ + ": field \"" + key + "\" must be " + expected + ", found " +
                        shown);
        }
    }

private:
    const Json& j_;
    const std::string& source_;
};

void check(bool ok, const std::string& source, const std::string& what) {
    if (!ok) {
        throw Error(source + ": " + what);
    }
}

void check_positive(int v, const char* name, const std::string& src) {
    check(v > 0, src, std::string(name) + " must be positive, found " + std::to_string(v));
}

// The image geometry multiplies fields together (patches a side squared, the projector's
// input width); those products must fit an int before anything computes them as one.
void check_derived_sizes(const ModelConfig& c, const std::string& src) {
    check_positive(c.vit_img_size, "vit_img_size", src);
    check_positive(c.vit_patch_size, "vit_patch_size", src);
    check_positive(c.mp_pixel_shuffle_factor, "mp_pixel_shuffle_factor", src);
    const std::int64_t per_side = c.vit_img_size / c.vit_patch_size;
    const std::int64_t shuffle = c.mp_pixel_shuffle_factor;
    check(per_side * per_side <= kMaxDerivedSize, src,
          "vit_img_size / vit_patch_size gives " + std::to_string(per_side) +
              " patches a side, too many for one tile");
    check(std::int64_t(c.vit_hidden_dim) * shuffle * shuffle <= kMaxDerivedSize, src,
          "vit_hidden_dim x mp_pixel_shuffle_factor² (the projector's input width) is too large");
}

// What prompts and sessions look up by name must exist and be unambiguous at load, not fail at
// the first question: the image placeholder, and extra tokens no other token shares.
void check_extra_tokens(const ModelConfig& c, const std::string& src) {
    if (c.generation == Generation::V0_1) {
        return;
    }
    check(!c.vlm_extra_tokens.empty(), src,
          "vlm_extra_tokens is empty: nanoVLM v0.2 and later need at least an image_token");
    check(c.lm_base_vocab_size > 0, src,
          "lm_base_vocab_size must be positive, found " + std::to_string(c.lm_base_vocab_size));
    bool has_image_token = false;
    std::set<std::string> seen = {"<|im_start|>", "<|im_end|>", "<|endoftext|>"};
    for (const auto& [key, token] : c.vlm_extra_tokens) {
        has_image_token = has_image_token || key == "image_token";
        check(!token.empty(), src, "vlm_extra_tokens." + key + " is an empty string");
        check(seen.insert(token).second, src,
              "vlm_extra_tokens." + key + " is \"" + token +
                  "\", a token that another extra token or the chat template already uses");
    }
    check(has_image_token, src,
          "vlm_extra_tokens has no image_token (the placeholder of image embeddings)");
}

void validate(const ModelConfig& c, const std::string& src) {
    check_extra_tokens(c, src);
    auto positive = [&](int v, const char* name) { check_positive(v, name, src); };
    positive(c.vit_hidden_dim, "vit_hidden_dim");
    positive(c.vit_inter_dim, "vit_inter_dim");
    positive(c.vit_patch_size, "vit_patch_size");
    positive(c.vit_img_size, "vit_img_size");
    positive(c.vit_n_heads, "vit_n_heads");
    positive(c.vit_n_blocks, "vit_n_blocks");
    positive(c.lm_hidden_dim, "lm_hidden_dim");
    positive(c.lm_inter_dim, "lm_inter_dim");
    positive(c.lm_vocab_size, "lm_vocab_size");
    positive(c.lm_n_heads, "lm_n_heads");
    positive(c.lm_n_kv_heads, "lm_n_kv_heads");
    positive(c.lm_n_blocks, "lm_n_blocks");
    positive(c.lm_max_position_embeddings, "lm_max_position_embeddings");
    positive(c.mp_pixel_shuffle_factor, "mp_pixel_shuffle_factor");
    positive(c.max_img_size, "max_img_size");
    for (const auto& [blocks, name] :
         {std::pair{c.vit_n_blocks, "vit_n_blocks"}, std::pair{c.lm_n_blocks, "lm_n_blocks"}}) {
        check(blocks <= kMaxBlocks, src,
              std::string(name) + " is " + std::to_string(blocks) + ", more than the " +
                  std::to_string(kMaxBlocks) + " blocks any model could have");
    }
    check(c.vit_hidden_dim % c.vit_n_heads == 0, src,
          "vit_hidden_dim (" + std::to_string(c.vit_hidden_dim) +
              ") is not divisible by vit_n_heads (" + std::to_string(c.vit_n_heads) + ")");
    check(c.lm_hidden_dim % c.lm_n_heads == 0, src,
          "lm_hidden_dim (" + std::to_string(c.lm_hidden_dim) +
              ") is not divisible by lm_n_heads (" + std::to_string(c.lm_n_heads) + ")");
    check(c.lm_n_heads % c.lm_n_kv_heads == 0, src,
          "lm_n_heads (" + std::to_string(c.lm_n_heads) + ") is not divisible by lm_n_kv_heads (" +
              std::to_string(c.lm_n_kv_heads) + ")");
    check(c.lm_head_dim() % 2 == 0, src,
          "the LM head size (lm_hidden_dim / lm_n_heads = " + std::to_string(c.lm_head_dim()) +
              ") must be even for rotary embeddings");
    check(c.vit_img_size % c.vit_patch_size == 0, src,
          "vit_img_size (" + std::to_string(c.vit_img_size) +
              ") is not a multiple of vit_patch_size (" + std::to_string(c.vit_patch_size) + ")");
    check(c.vit_patches_per_side() % c.mp_pixel_shuffle_factor == 0, src,
          "the ViT grid (" + std::to_string(c.vit_patches_per_side()) +
              " patches a side) is not divisible by mp_pixel_shuffle_factor (" +
              std::to_string(c.mp_pixel_shuffle_factor) + ")");
    check(c.mp_image_token_length == c.image_tokens_per_tile(), src,
          "mp_image_token_length is " + std::to_string(c.mp_image_token_length) +
              " but the ViT grid and pixel shuffle give " +
              std::to_string(c.image_tokens_per_tile()) + " tokens per image");
    check(c.lm_base_vocab_size >= 0 &&
              c.lm_vocab_size >= c.lm_base_vocab_size + int(c.vlm_extra_tokens.size()),
          src,
          "lm_vocab_size (" + std::to_string(c.lm_vocab_size) +
              ") is smaller than the base vocabulary plus the " +
              std::to_string(c.vlm_extra_tokens.size()) + " extra tokens");
    check(c.vit_cls_flag == false, src,
          "vit_cls_flag true is not supported (no nanoVLM release uses a CLS token)");
    check(c.lm_tie_weights, src,
          "lm_tie_weights false is not supported (every nanoVLM release ties the head)");
    check(c.lm_re_base > 0, src, "lm_re_base must be positive");
    check(c.max_img_size >= c.vit_img_size, src,
          "max_img_size (" + std::to_string(c.max_img_size) + ") is smaller than vit_img_size (" +
              std::to_string(c.vit_img_size) + ")");
}

} // namespace

std::string_view generation_name(Generation generation) {
    switch (generation) {
    case Generation::V0_1:
        return "v0.1";
    case Generation::V0_2:
        return "v0.2";
    case Generation::Main:
        return "main";
    }
    return "unknown";
}

int ModelConfig::eos_token_id() const {
    // nanoVLM ends on its tokenizer's eos: <|im_end|> (id 2) for the SmolLM2-Instruct tokenizers,
    // lm_eos_token_id (<|endoftext|>, 0) for v0.1's cosmo2 tokenizer.
    if (generation != Generation::V0_1 && lm_tokenizer.find("Instruct") != std::string::npos) {
        return 2;
    }
    return lm_eos_token_id;
}

ModelConfig parse_model_config(std::string_view json_text, const std::string& source) {
    Json j;
    try {
        j = parse_json_limited<Json>(json_text, source);
    } catch (const nlohmann::json::exception& e) { // parse_error, or out_of_range for 1e400
        throw Error(source + ": not valid JSON (" + e.what() + ")");
    }
    check(j.is_object(), source, "expected a JSON object of nanoVLM config fields");

    ModelConfig c = defaults_for(detect_generation(j));
    const FieldReader f(j, source);
    f.read("vit_hidden_dim", c.vit_hidden_dim);
    c.vit_inter_dim = 4 * c.vit_hidden_dim;
    f.read("vit_inter_dim", c.vit_inter_dim);
    f.read("vit_patch_size", c.vit_patch_size);
    f.read("vit_img_size", c.vit_img_size);
    f.read("vit_n_heads", c.vit_n_heads);
    f.read("vit_n_blocks", c.vit_n_blocks);
    f.read("vit_ln_eps", c.vit_ln_eps);
    f.read("vit_cls_flag", c.vit_cls_flag);

    f.read("lm_hidden_dim", c.lm_hidden_dim);
    f.read("lm_inter_dim", c.lm_inter_dim);
    f.read("lm_rms_eps", c.lm_rms_eps);
    f.read("lm_re_base", c.lm_re_base);
    f.read("lm_max_position_embeddings", c.lm_max_position_embeddings);
    f.read("lm_base_vocab_size", c.lm_base_vocab_size);
    f.read("lm_n_heads", c.lm_n_heads);
    f.read("lm_n_kv_heads", c.lm_n_kv_heads);
    f.read("lm_n_blocks", c.lm_n_blocks);
    f.read("lm_attn_scaling", c.lm_attn_scaling);
    f.read("lm_max_length", c.lm_max_length);
    f.read("lm_tie_weights", c.lm_tie_weights);
    f.read("lm_eos_token_id", c.lm_eos_token_id);
    f.read("lm_model_type", c.lm_model_type);
    f.read("lm_tokenizer", c.lm_tokenizer);
    f.read("lm_chat_template", c.lm_chat_template);

    f.read("mp_pixel_shuffle_factor", c.mp_pixel_shuffle_factor);
    f.read("mp_image_token_length", c.mp_image_token_length);
    if (c.generation == Generation::V0_1 || c.generation == Generation::V0_2) {
        c.max_img_size = c.vit_img_size; // one square image, never tiled
    }
    f.read("max_img_size", c.max_img_size);
    f.read("resize_to_max_side_len", c.resize_to_max_side_len);

    if (auto it = j.find("vlm_extra_tokens"); it != j.end() && !it->is_null()) {
        f.require(it->is_object(), "vlm_extra_tokens", "an object of token names", *it);
        c.vlm_extra_tokens.clear();
        for (const auto& [key, value] : it->items()) {
            f.require(value.is_string(), "vlm_extra_tokens", "an object of strings", value);
            c.vlm_extra_tokens.emplace_back(key, value.get<std::string>());
        }
    }
    int extra_token_amount = 0;
    f.read("extra_token_amount", extra_token_amount);
    check(extra_token_amount >= 0, source,
          "extra_token_amount must not be negative, found " + std::to_string(extra_token_amount));
    c.lm_vocab_size = c.lm_base_vocab_size + int(c.vlm_extra_tokens.size());
    if (c.generation == Generation::V0_1) {
        c.lm_vocab_size = 49152;
    }
    f.read("lm_vocab_size", c.lm_vocab_size);

    check_derived_sizes(c, source);
    if (c.generation == Generation::V0_1) {
        c.mp_image_token_length = c.image_tokens_per_tile();
    }
    validate(c, source);
    return c;
}

ModelConfig load_model_config(const std::string& path) {
    return parse_model_config(read_regular_file(path, kMaxConfigBytes, "checkpoint's config.json"),
                              path);
}

} // namespace nanovlm
