#pragma once

// Reads the PyTorch nanoVLM parity fixtures (tests/fixtures/parity, see its README).

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

} // namespace parity
