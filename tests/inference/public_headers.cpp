// Builds the engine's public headers with no Qt on the include path and links the engine alone:
// the engine must stay usable from plain C++ (STYLE: inference/ knows nothing of Qt).

#include "nanovlm/nanovlm.h"

#include <cstdio>

int main() {
    const nanovlm::ModelConfig config = nanovlm::parse_model_config(
        R"({"lm_hidden_dim": 64, "lm_n_heads": 4, "lm_n_kv_heads": 2, "vit_hidden_dim": 64,
            "vit_n_heads": 4, "vit_img_size": 64, "vit_patch_size": 8,
            "mp_pixel_shuffle_factor": 2, "mp_image_token_length": 16, "max_img_size": 128})",
        "inline config");
    if (config.generation != nanovlm::Generation::Main || config.image_tokens_per_tile() != 16) {
        std::puts("1 passed, 1 failed");
        return 1;
    }
    std::puts("1 passed, 0 failed");
    return 0;
}
