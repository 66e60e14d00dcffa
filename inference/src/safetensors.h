#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nanovlm {

enum class DType { F32, F16, BF16 };

std::string_view dtype_name(DType dtype);
std::size_t dtype_size(DType dtype);
// "[8, 128]": how error messages show a shape.
std::string shape_text(const std::vector<std::int64_t>& shape);

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::size_t offset = 0; // from the start of the file
    std::size_t bytes = 0;
};

// The header of a .safetensors file (8-byte little-endian length, JSON, then raw data), checked
// against the file size before anything is trusted: every tensor's byte range lies inside the
// file, matches its dtype and shape, and no two ranges overlap.
struct SafetensorsHeader {
    std::map<std::string, TensorInfo, std::less<>> tensors;
    std::map<std::string, std::string> metadata;
    std::size_t data_start = 0;

    const TensorInfo* find(std::string_view name) const;
};

// `prefix` holds at least the first 8 bytes of the file and, when they fit, the whole header;
// `file_size` is the size of the whole file. Throws Error naming `path`.
SafetensorsHeader parse_safetensors_header(const std::uint8_t* prefix, std::size_t prefix_size,
                                           std::size_t file_size, const std::string& path);

// Reads only the header from disk (no weights): for catalogues and `nanovlm inspect`. Adds the
// bytes it read to *bytes_read when given (the checkpoint scanner proves it reads no weights).
SafetensorsHeader read_safetensors_header(const std::string& path,
                                          std::size_t* bytes_read = nullptr);

} // namespace nanovlm
