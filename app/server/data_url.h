#pragma once

#include <QByteArray>

#include <cstddef>
#include <string>

namespace nanovlm::server {

// The bytes of a `data:image/...;base64,...` URL. Throws ApiError (400) for a remote http(s)
// URL (the server never fetches one), any other scheme, a non-image or non-base64 data URL,
// malformed base64, or more than max_bytes once decoded. `param` names the field in errors.
QByteArray decode_image_data_url(const std::string& url, std::size_t max_bytes,
                                 const std::string& param);

} // namespace nanovlm::server
