// libFuzzer target: image preprocessing geometry for any picture size and any geometry a config
// can describe. plan_tiles must refuse or give a sane grid; when the work is small enough to run
// thousands of times a second, preprocess_image must produce exactly that grid with pixels in
// [0, 1] (up to float rounding).

#include "nanovlm/error.h"
#include "nanovlm/image.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

// Reads fuzz bytes as little-endian integers; zeros once the input is used up.
class ByteReader {
public:
    ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::int32_t next_int() {
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            value |= std::uint32_t(next_byte()) << (8 * i);
        }
        std::int32_t signed_value;
        std::memcpy(&signed_value, &value, sizeof value);
        return signed_value;
    }
    std::uint8_t next_byte() { return pos_ < size_ ? data_[pos_++] : 0; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

constexpr double kSmallWork = 1 << 16; // pixels, in and out

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ByteReader in(data, size);
    nanovlm::ImageGeometry geometry;
    geometry.mode = (in.next_byte() & 1) ? nanovlm::ImageGeometry::Mode::Square
                                         : nanovlm::ImageGeometry::Mode::Tiles;
    geometry.resize_to_max_side = in.next_byte() & 1;
    geometry.tile_size = in.next_int();
    geometry.max_side = in.next_int();
    geometry.max_tiles_per_side = in.next_int();
    const int width = in.next_int();
    const int height = in.next_int();

    nanovlm::TileGrid grid;
    try {
        grid = nanovlm::plan_tiles(width, height, geometry);
    } catch (const nanovlm::Error&) {
        return 0;
    }
    if (grid.rows < 1 || grid.cols < 1 || grid.resized_width < 1 || grid.resized_height < 1) {
        __builtin_trap();
    }
    // In double: a fuzzed geometry may describe more pixels than a 64-bit integer holds.
    const double tiles = double(grid.rows) * grid.cols + 1;
    const double work = double(width) * height + double(grid.resized_width) * grid.resized_height +
                        tiles * geometry.tile_size * geometry.tile_size;
    if (work > kSmallWork || tiles > 64) {
        return 0;
    }

    nanovlm::RgbImage image;
    image.width = width;
    image.height = height;
    image.pixels.resize(std::size_t(width) * height * 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
        image.pixels[i] = in.next_byte();
    }
    try {
        const nanovlm::PreprocessedImage out = nanovlm::preprocess_image(image, geometry);
        const std::size_t tile_floats = std::size_t(3) * out.tile_size * out.tile_size;
        if (out.grid_rows != grid.rows || out.grid_cols != grid.cols ||
            out.pixels.size() != std::size_t(out.tile_count()) * tile_floats) {
            __builtin_trap();
        }
        for (const float value : out.pixels) {
            // The global tile is torchvision's float bilinear: a convex combination, but its
            // rounding can land a few ulps past 1 (1.00000012), as in PyTorch.
            if (!(value >= -1e-5f && value <= 1.0f + 1e-5f)) {
                __builtin_trap();
            }
        }
    } catch (const nanovlm::Error&) {
    }
    return 0;
}
