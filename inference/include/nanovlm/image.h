#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nanovlm {

struct ModelConfig;

// An 8-bit RGB image, rows top to bottom, 3 bytes a pixel, no padding between rows.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels; // width * height * 3

    const std::uint8_t* row(int y) const { return pixels.data() + std::size_t(y) * width * 3; }
};

// How a checkpoint turns one picture into ViT inputs.
struct ImageGeometry {
    enum class Mode {
        Square, // v0.1/v0.2: resize the whole image to tile x tile (Pillow BILINEAR), one tile
        Tiles,  // main: DynamicResize (Pillow BICUBIC) then split into tile x tile pieces,
                // plus a global tile first when the grid is not 1x1
    };
    Mode mode = Mode::Tiles;
    int tile_size = 512; // vit_img_size
    int max_side = 2048; // max_img_size (Tiles)
    bool resize_to_max_side = true;
    // A user's "image detail" choice (Tiles only): at most this many tiles on the long side
    // (0 = the model's own choice). DynamicResize then runs with max_side lowered to
    // min(max_side, max_tiles_per_side * tile_size): fewer tiles, fewer image tokens, less
    // faithful to how the model was trained.
    int max_tiles_per_side = 0;

    // Square for v0.1/v0.2, Tiles for main; tile_size, max_side and resize_to_max_side from
    // vit_img_size, max_img_size and resize_to_max_side_len. max_tiles_per_side stays 0.
    static ImageGeometry from_config(const ModelConfig& config);
};

// The float pixels fed to the ViT: [n_tiles, 3, tile, tile], channel-planar RGB in [0, 1]
// (uint8 / 255, no mean/std normalisation, as nanoVLM trains).
struct PreprocessedImage {
    int tile_size = 0;
    int grid_rows = 1;            // n_h
    int grid_cols = 1;            // n_w
    bool has_global_tile = false; // Tiles mode with a grid other than 1x1: tile 0 is global
    std::vector<float> pixels;

    int tile_count() const { return grid_rows * grid_cols + (has_global_tile ? 1 : 0); }
    const float* tile(int index) const {
        return pixels.data() + std::size_t(index) * 3 * tile_size * tile_size;
    }
};

// Working memory preprocess_image may use for one image (the tiles, a few rows of resampling
// scratch, the global tile's intermediate rows): a pair of image and geometry that would need
// more is refused with an Error, whoever decoded the image.
inline constexpr std::size_t kImagePreprocessMemoryLimit = std::size_t(512) << 20;

// Resize/split exactly as nanoVLM's image processor of that generation does (Pillow's
// resampling bit for bit, torchvision's antialiased bilinear for the global tile).
// Throws Error for an empty image, a pixel buffer whose size is not width * height * 3, an
// invalid geometry (see plan_tiles), or a resize that would need more than
// kImagePreprocessMemoryLimit bytes.
PreprocessedImage preprocess_image(const RgbImage& image, const ImageGeometry& geometry);

// The grid (rows, cols) and resized size that preprocess_image will produce.
struct TileGrid {
    int rows = 1;
    int cols = 1;
    int resized_width = 0;
    int resized_height = 0;
};

// Computes the TileGrid of a width x height image without touching pixels.
// Square mode: always tile x tile, 1x1. Tiles mode follows DynamicResize: long side -> max_side if
// resize_to_max_side, else min(max_side, ceil(long / tile) * tile); short side * the same factor,
// rounded UP to a multiple of tile, at least one tile (Python float arithmetic: for a few sizes the
// rounding error makes the short side one tile longer than the long side, as in nanoVLM).
// max_tiles_per_side > 0 first lowers max_side to min(max_side, max_tiles_per_side * tile). Throws
// Error for an empty size, a non-positive tile or max side, a negative max_tiles_per_side, or a
// long side that is not a multiple of the tile (nanoVLM's SplitImage refuses it too).
TileGrid plan_tiles(int width, int height, const ImageGeometry& geometry);

} // namespace nanovlm
