#pragma once

// What the model reads of one picture, for the image viewer's "what the model sees" overlay:
// the tile grid, whether a global view comes first, and the image tokens, at the image detail
// chosen in Settings. It asks the engine's own planner (nanovlm::plan_tiles), so the overlay is
// the preprocessing the answer will use, not a copy of its rules.

#include "nanovlm/image.h"

#include <QVariantMap>

namespace nanovlm::app {

struct ImageTiling {
    int rows = 1;
    int cols = 1;
    int resized_width = 0; // the picture is stretched to this before it is cut into tiles
    int resized_height = 0;
    int tile_size = 0;
    bool global_tile = false; // a view of the whole picture at tile size, read first
    int tiles = 1;            // rows * cols, plus the global view
    int image_tokens = 0;     // tiles * tokens per tile

    QVariantMap toVariantMap() const;
};

// `image_detail`: tiles per side at most (ImageGeometry::max_tiles_per_side; 0: the model's
// own). Throws nanovlm::Error for an empty size.
ImageTiling image_tiling(int width, int height, ImageGeometry geometry, int image_detail,
                         int tokens_per_tile);

} // namespace nanovlm::app
