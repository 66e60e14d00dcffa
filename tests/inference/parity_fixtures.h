#pragma once

// Reads the PyTorch nanoVLM parity fixtures (tests/fixtures/parity, see its README).

#include "nanovlm/config.h"
#include "nanovlm/image.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QString>

#include <cstring>
#include <string>
#include <vector>

namespace parity {

inline QString root() {
    return QStringLiteral(NANOVLM_FIXTURES "/parity");
}

inline nlohmann::json read_json(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

inline std::vector<float> read_f32(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    std::vector<float> values(std::size_t(bytes.size()) / sizeof(float));
    std::memcpy(values.data(), bytes.constData(), values.size() * sizeof(float));
    return values;
}

inline nlohmann::json cases() {
    return read_json(root() + "/cases.json")["cases"];
}

inline QString path(const std::string& relative) {
    return root() + "/" + QString::fromStdString(relative);
}

// The case folder, e.g. ".../parity/main/300x200".
inline QString case_dir(const nlohmann::json& c) {
    const QString image = path(c["image"].get<std::string>());
    return image.left(image.lastIndexOf('/'));
}

// |a − b| ≤ tol · max|b| over all values: the fixtures' tolerance rule.
inline double max_relative_error(const float* a, const float* b, std::size_t n) {
    double max_ref = 0, max_diff = 0;
    for (std::size_t i = 0; i < n; ++i) {
        max_ref = std::max(max_ref, double(std::abs(b[i])));
        max_diff = std::max(max_diff, double(std::abs(a[i] - b[i])));
    }
    return max_ref > 0 ? max_diff / max_ref : max_diff;
}

// The ViT input exactly as PyTorch had it, so a test can isolate the model math from the image
// preprocessing (which is tested on its own against the same dumps).
inline nanovlm::PreprocessedImage dumped_pixels(const nlohmann::json& c,
                                                const nanovlm::ModelConfig& config) {
    const QString dir = case_dir(c);
    const auto index = read_json(dir + "/dumps/index.json");
    nanovlm::PreprocessedImage image;
    image.tile_size = config.vit_img_size;
    image.pixels = read_f32(dir + "/dumps/pixel_values.f32");
    const int tiles = index["pixel_values"]["shape"][0].get<int>();
    if (c.contains("image_grid")) {
        image.grid_rows = c["image_grid"][0].get<int>();
        image.grid_cols = c["image_grid"][1].get<int>();
    }
    image.has_global_tile = tiles > image.grid_rows * image.grid_cols;
    return image;
}

} // namespace parity
