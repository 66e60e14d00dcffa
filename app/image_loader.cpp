#include "image_loader.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImageReader>

#include <cstring>

namespace nanovlm::app {
namespace {

// The checks every source of pictures shares: a size bound before decoding, Qt's allocation
// limit against headers that lie, and 8-bit RGB out.
std::optional<QImage> decode(QImageReader& reader, const QString& name, QString* error) {
    auto fail = [&](const QString& message) -> std::optional<QImage> {
        if (error != nullptr) {
            *error = message;
        }
        return std::nullopt;
    };
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && qint64(size.width()) * size.height() > kMaxImagePixels) {
        return fail(QStringLiteral("%1 is %2 x %3 pixels (%4 megapixels); the largest image "
                                   "nanovlm reads is %5 megapixels")
                        .arg(name)
                        .arg(size.width())
                        .arg(size.height())
                        .arg(qint64(size.width()) * size.height() / 1'000'000)
                        .arg(kMaxImagePixels / 1'000'000));
    }
    // Qt's own guard against decompression bombs whose header lies about the size.
    QImageReader::setAllocationLimit(int(kMaxImagePixels * 4 / (1024 * 1024)) + 1);
    QImage image = reader.read();
    if (image.isNull()) {
        if (reader.error() == QImageReader::UnsupportedFormatError) {
            return fail(QStringLiteral("%1 is not an image nanovlm can read (%2)")
                            .arg(name, reader.errorString()));
        }
        return fail(QStringLiteral("%1 could not be decoded: %2").arg(name, reader.errorString()));
    }
    if (image.width() <= 0 || image.height() <= 0) {
        return fail(QStringLiteral("%1 has no pixels").arg(name));
    }
    return image.convertToFormat(QImage::Format_RGB888);
}

} // namespace

std::optional<QImage> read_image(const QString& path, QString* error) {
    const QString name = QFileInfo(path).fileName();
    auto fail = [&](const QString& message) -> std::optional<QImage> {
        if (error != nullptr) {
            *error = message;
        }
        return std::nullopt;
    };
    const QFileInfo info(path);
    if (!info.exists()) {
        return fail(QStringLiteral("%1: no such file").arg(path));
    }
    if (!info.isFile() || !info.isReadable()) {
        return fail(QStringLiteral("%1: not a readable file").arg(path));
    }
    if (info.size() == 0) {
        return fail(QStringLiteral("%1: the file is empty (0 bytes)").arg(name));
    }
    QImageReader reader(path);
    return decode(reader, name, error);
}

std::optional<QImage> decode_image(const QByteArray& bytes, const QString& name, QString* error) {
    if (bytes.isEmpty()) {
        if (error != nullptr) {
            *error = QStringLiteral("%1 is empty (0 bytes)").arg(name);
        }
        return std::nullopt;
    }
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    return decode(reader, name, error);
}

RgbImage to_rgb_image(const QImage& source) {
    const QImage image = source.format() == QImage::Format_RGB888
                             ? source
                             : source.convertToFormat(QImage::Format_RGB888);
    RgbImage out;
    out.width = image.width();
    out.height = image.height();
    out.pixels.resize(std::size_t(out.width) * out.height * 3);
    const std::size_t row_bytes = std::size_t(out.width) * 3;
    for (int y = 0; y < out.height; ++y) {
        std::memcpy(out.pixels.data() + y * row_bytes, image.constScanLine(y), row_bytes);
    }
    return out;
}

} // namespace nanovlm::app
