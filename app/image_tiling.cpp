#include "image_tiling.h"

namespace nanovlm::app {

ImageTiling image_tiling(int width, int height, ImageGeometry geometry, int image_detail,
                         int tokens_per_tile) {
    geometry.max_tiles_per_side = image_detail;
    const TileGrid grid = plan_tiles(width, height, geometry);
    ImageTiling out;
    out.rows = grid.rows;
    out.cols = grid.cols;
    out.resized_width = grid.resized_width;
    out.resized_height = grid.resized_height;
    out.tile_size = geometry.tile_size;
    // As preprocess_image: a grid of more than one tile is preceded by the whole picture.
    out.global_tile =
        geometry.mode == ImageGeometry::Mode::Tiles && (grid.rows != 1 || grid.cols != 1);
    out.tiles = grid.rows * grid.cols + (out.global_tile ? 1 : 0);
    out.image_tokens = out.tiles * tokens_per_tile;
    return out;
}

QVariantMap ImageTiling::toVariantMap() const {
    return {
        {QStringLiteral("rows"), rows},
        {QStringLiteral("cols"), cols},
        {QStringLiteral("resizedWidth"), resized_width},
        {QStringLiteral("resizedHeight"), resized_height},
        {QStringLiteral("tileSize"), tile_size},
        {QStringLiteral("globalTile"), global_tile},
        {QStringLiteral("tiles"), tiles},
        {QStringLiteral("imageTokens"), image_tokens},
    };
}

} // namespace nanovlm::app
