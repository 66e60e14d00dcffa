// nanoVLM's image processors, from RGB8 pixels to the float tiles the ViT reads.
//
// v0.1 / v0.2 (data/processors.py at those tags):
//     Compose([Resize((s, s)), ToTensor()])
// main (data/processors.py, data/custom_transforms.py at 4e0c096):
//     Compose([DynamicResize(s, max_img_size, resize_to_max_side_len), ToTensor(),
//              GlobalAndSplitImages(s)])
// torchvision resizes a PIL image with Pillow (pillow_resample.cpp) and a tensor with
// torch.nn.functional.interpolate (torch_resample.cpp). ToTensor divides uint8 by 255 in float.

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/image.h"

#include "pillow_resample.h"
#include "torch_resample.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace nanovlm {
namespace {

std::string size_text(std::int64_t width, std::int64_t height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

void check_geometry(const ImageGeometry& geometry) {
    if (geometry.tile_size < 1) {
        throw Error("image tile size (vit_img_size) must be positive, got " +
                    std::to_string(geometry.tile_size));
    }
    if (geometry.mode == ImageGeometry::Mode::Tiles && geometry.max_side < 1) {
        throw Error("max_img_size must be positive, got " + std::to_string(geometry.max_side));
    }
    if (geometry.max_tiles_per_side < 0) {
        throw Error(
            "the image detail (tiles per side) must be 0 (model default) or positive, got " +
            std::to_string(geometry.max_tiles_per_side));
    }
}

// DynamicResize._get_new_hw, with Python's float semantics: `/` on ints is a correctly rounded
// double division, math.ceil rounds up. Returns {width, height}. The short side is rounded up
// from its scaled length; for some sizes the rounding error of `short * scale` pushes it one tile
// past the long side (a 1092x1092 image becomes 1536x2048 with max_img_size 2048): nanoVLM does
// so, and so do we.
std::array<std::int64_t, 2> dynamic_resize(std::int64_t width, std::int64_t height,
                                           const ImageGeometry& geometry) {
    const std::int64_t p = geometry.tile_size;
    std::int64_t max_side = geometry.max_side;
    // The user's "image detail" choice caps the long side at that many tiles.
    if (geometry.max_tiles_per_side > 0) {
        max_side = std::min(max_side, std::int64_t(geometry.max_tiles_per_side) * p);
    }
    const bool landscape = width >= height;
    const std::int64_t longer = landscape ? width : height;
    const std::int64_t shorter = landscape ? height : width;

    const std::int64_t target_long =
        geometry.resize_to_max_side
            ? max_side
            : std::min(max_side,
                       static_cast<std::int64_t>(std::ceil(double(longer) / double(p))) * p);
    const double scale = double(target_long) / double(longer);
    const double short_tiles = std::ceil(double(shorter) * scale / double(p));
    if (!(short_tiles * double(p) <= double(std::numeric_limits<int>::max()))) {
        throw Error("the image " + size_text(width, height) + " cannot be resized: its short " +
                    "side would be larger than any image this program handles");
    }
    const std::int64_t target_short = std::max(static_cast<std::int64_t>(short_tiles) * p, p);

    // GlobalAndSplitImages -> SplitImage raises for a side that is not a multiple of the tile.
    if (target_long % p != 0) {
        throw Error("cannot split the image into " + std::to_string(p) + "-pixel tiles: its long " +
                    "side would be resized to " + std::to_string(target_long) +
                    " (max_img_size), which is not a multiple of vit_img_size " +
                    std::to_string(p));
    }
    return landscape ? std::array{target_long, target_short}
                     : std::array{target_short, target_long};
}

// The bytes preprocess_image holds at its peak, in double so that absurd sizes cannot overflow
// the estimate: the tiles, the global tile's width-resampled rows, Pillow's window of
// horizontally resampled rows and one row of floats. (The coefficient tables are a few bytes
// per source pixel, less than the source image itself.)
double working_bytes(const RgbImage& image, const TileGrid& grid, int tile_size, bool global_tile,
                     PillowFilter filter) {
    const double tiles = double(grid.rows) * grid.cols + (global_tile ? 1 : 0);
    double bytes = tiles * 3.0 * tile_size * tile_size * sizeof(float);
    if (global_tile) {
        bytes += double(TorchBilinearAntialias::scratch_floats(3, grid.resized_height, tile_size)) *
                 sizeof(float);
    }
    const int rows =
        pillow_resize_scratch_rows(image, grid.resized_width, grid.resized_height, filter);
    bytes += double(rows) * grid.resized_width * 3;
    bytes += 3.0 * grid.resized_width * sizeof(float);
    return bytes;
}

// ToTensor: `img.to(float32).div(255)`, a float division. Multiplying by 1/255 instead differs
// in the last bit for 126 of the 256 values.
const std::array<float, 256>& to_tensor_table() {
    static const std::array<float, 256> table = [] {
        std::array<float, 256> t{};
        for (int k = 0; k < 256; ++k) {
            t[k] = static_cast<float>(k) / 255.0f;
        }
        return t;
    }();
    return table;
}

} // namespace

ImageGeometry ImageGeometry::from_config(const ModelConfig& config) {
    ImageGeometry geometry;
    // v0.1/v0.2's get_image_processor(vit_img_size) squashes the image to one square tile;
    // main's get_image_processor(max_img_size, vit_img_size, resize_to_max_side_len) tiles it.
    geometry.mode = config.generation == Generation::Main ? Mode::Tiles : Mode::Square;
    geometry.tile_size = config.vit_img_size;
    geometry.max_side = config.max_img_size;
    geometry.resize_to_max_side = config.resize_to_max_side_len;
    return geometry;
}

TileGrid plan_tiles(int width, int height, const ImageGeometry& geometry) {
    if (width < 1 || height < 1) {
        throw Error("the image is empty (" + size_text(width, height) + ")");
    }
    check_geometry(geometry);
    TileGrid grid;
    if (geometry.mode == ImageGeometry::Mode::Square) {
        // Resize((s, s)): the aspect ratio is not kept.
        grid.resized_width = geometry.tile_size;
        grid.resized_height = geometry.tile_size;
        return grid;
    }
    const auto [w, h] = dynamic_resize(width, height, geometry);
    grid.resized_width = static_cast<int>(w);
    grid.resized_height = static_cast<int>(h);
    grid.rows = static_cast<int>(h / geometry.tile_size);
    grid.cols = static_cast<int>(w / geometry.tile_size);
    return grid;
}

PreprocessedImage preprocess_image(const RgbImage& image, const ImageGeometry& geometry) {
    if (image.width < 1 || image.height < 1) {
        throw Error("the image is empty (" + size_text(image.width, image.height) + ")");
    }
    if (image.pixels.size() != std::size_t(image.width) * std::size_t(image.height) * 3) {
        throw Error("the " + size_text(image.width, image.height) + " image has " +
                    std::to_string(image.pixels.size()) + " bytes of pixels, expected " +
                    std::to_string(std::size_t(image.width) * std::size_t(image.height) * 3));
    }
    const TileGrid grid = plan_tiles(image.width, image.height, geometry);
    const int p = geometry.tile_size;
    // GlobalAndSplitImages: "Dont add global patch if there is only one patch".
    const bool global_tile =
        geometry.mode == ImageGeometry::Mode::Tiles && (grid.rows != 1 || grid.cols != 1);

    const PillowFilter filter = geometry.mode == ImageGeometry::Mode::Square
                                    ? PillowFilter::Bilinear
                                    : PillowFilter::Bicubic;
    const double bytes = working_bytes(image, grid, p, global_tile, filter);
    if (bytes > double(kImagePreprocessMemoryLimit)) {
        throw Error("the image " + size_text(image.width, image.height) + " would be resized to " +
                    size_text(grid.resized_width, grid.resized_height) + " and need about " +
                    std::to_string(static_cast<long long>(bytes / (1 << 20))) +
                    " MiB to prepare, more than the " +
                    std::to_string(kImagePreprocessMemoryLimit >> 20) + " MiB allowed");
    }

    PreprocessedImage out;
    out.tile_size = p;
    out.grid_rows = grid.rows;
    out.grid_cols = grid.cols;
    out.has_global_tile = global_tile;
    const std::size_t tile_floats = std::size_t(3) * p * p;
    out.pixels.resize(std::size_t(out.tile_count()) * tile_floats);

    // The global tile (first, when there is one) is the resized float image, not rounded to
    // uint8, resized to p x p with torchvision's tensor resize: bilinear, antialiased.
    std::optional<TorchBilinearAntialias> global;
    if (global_tile) {
        global.emplace(3, grid.resized_height, grid.resized_width, p, p);
    }
    float* const first_tile = out.pixels.data() + (global_tile ? tile_floats : 0);

    // Each resized row, as Pillow makes it: ToTensor (uint8 / 255, one plane per channel), then
    // SplitImage's rearrange('b c (nh ph) (nw pw) -> (b nh nw) c ph pw'), tiles row-major.
    const auto& table = to_tensor_table();
    const std::size_t width = grid.resized_width;
    std::vector<float> planes(3 * width);
    pillow_resize(image, grid.resized_width, grid.resized_height, filter,
                  [&](int y, const std::uint8_t* rgb) {
                      for (std::size_t x = 0; x < width; ++x) {
                          planes[x] = table[rgb[x * 3 + 0]];
                          planes[width + x] = table[rgb[x * 3 + 1]];
                          planes[2 * width + x] = table[rgb[x * 3 + 2]];
                      }
                      const int r = y / p;
                      const int row_in_tile = y % p;
                      for (int c = 0; c < grid.cols; ++c) {
                          float* tile = first_tile + std::size_t(r * grid.cols + c) * tile_floats;
                          for (int channel = 0; channel < 3; ++channel) {
                              std::copy_n(planes.data() + channel * width + std::size_t(c) * p, p,
                                          tile + (std::size_t(channel) * p + row_in_tile) * p);
                          }
                      }
                      if (global) {
                          for (int channel = 0; channel < 3; ++channel) {
                              global->add_row(channel, y, planes.data() + channel * width);
                          }
                      }
                  });
    if (global) {
        global->finish(out.pixels.data());
    }
    return out;
}

} // namespace nanovlm
