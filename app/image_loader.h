#pragma once

#include "nanovlm/image.h"

#include <QByteArray>
#include <QImage>
#include <QString>

#include <optional>

namespace nanovlm::app {

// The largest picture we decode: a 108-megapixel phone photo fits, a 20000x20000 bomb does not.
inline constexpr qint64 kMaxImagePixels = 120'000'000;

// Decodes any format Qt reads (EXIF orientation applied) into 8-bit RGB, alpha dropped as
// PIL's convert("RGB") drops it. On failure returns nullopt and a message for the user in
// `error`: unreadable, not an image, empty, or too large (checked before decoding).
std::optional<QImage> read_image(const QString& path, QString* error);

// The same for an image held in memory (a picture sent over the API); `name` labels it in
// messages.
std::optional<QImage> decode_image(const QByteArray& bytes, const QString& name, QString* error);

RgbImage to_rgb_image(const QImage& image);

} // namespace nanovlm::app
