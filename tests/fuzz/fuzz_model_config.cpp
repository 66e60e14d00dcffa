// libFuzzer target: config.json parsing, then everything computed from a config that parsed (the
// tensor table, the image geometry, tiles for a few picture sizes, token counts).

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/image.h"
#include "weights.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const nanovlm::ModelConfig config = nanovlm::parse_model_config(text, "fuzz/config.json");
        const auto table = nanovlm::tensor_table(config);
        if (table.empty()) {
            __builtin_trap(); // a parsed config always describes some tensors
        }
        (void)config.image_tokens_per_tile();
        (void)config.eos_token_id();
        (void)config.extra_token_strings();
        const nanovlm::ImageGeometry geometry = nanovlm::ImageGeometry::from_config(config);
        for (const auto& [width, height] : {std::pair{1, 1}, {640, 480}, {20000, 3}, {3, 20000}}) {
            try {
                const nanovlm::TileGrid grid = nanovlm::plan_tiles(width, height, geometry);
                if (grid.rows < 1 || grid.cols < 1) {
                    __builtin_trap();
                }
            } catch (const nanovlm::Error&) {
            }
        }
    } catch (const nanovlm::Error&) {
    }
    return 0;
}
