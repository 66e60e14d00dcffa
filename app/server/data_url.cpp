#include "data_url.h"

#include "api_error.h"

#include <QString>

namespace nanovlm::server {

QByteArray decode_image_data_url(const std::string& url, std::size_t max_bytes,
                                 const std::string& param) {
    const QString head = QString::fromStdString(url.substr(0, 16)).toLower();
    if (head.startsWith(QLatin1String("http://")) || head.startsWith(QLatin1String("https://"))) {
        throw ApiError::invalid("Image URLs are not fetched: send the picture itself as a data "
                                "URL (data:image/png;base64,...).",
                                param, "remote_image_url_unsupported");
    }
    if (!head.startsWith(QLatin1String("data:"))) {
        throw ApiError::invalid("An image_url must be a data URL (data:image/png;base64,...).",
                                param, "invalid_image_url");
    }
    const std::size_t comma = url.find(',');
    if (comma == std::string::npos) {
        throw ApiError::invalid("The image data URL has no ',' before its data.", param,
                                "invalid_image_url");
    }
    const QString media = QString::fromStdString(url.substr(5, comma - 5)).toLower();
    if (!media.startsWith(QLatin1String("image/")) || !media.endsWith(QLatin1String(";base64"))) {
        throw ApiError::invalid("The image data URL must be data:image/<type>;base64,<data>, got "
                                "data:" +
                                    media.left(60).toStdString() + ",...",
                                param, "invalid_image_url");
    }
    const std::size_t encoded = url.size() - comma - 1;
    if (encoded / 4 * 3 > max_bytes) {
        throw ApiError::invalid("The image is larger than the " + std::to_string(max_bytes >> 20) +
                                    " MiB a picture may have.",
                                param, "image_too_large");
    }
    auto decoded = QByteArray::fromBase64Encoding(
        QByteArray::fromRawData(url.data() + comma + 1, qsizetype(encoded)),
        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty()) {
        throw ApiError::invalid("The image data URL's base64 data is malformed.", param,
                                "invalid_base64");
    }
    return std::move(decoded.decoded);
}

} // namespace nanovlm::server
