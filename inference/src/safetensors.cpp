#include "safetensors.h"

#include "nanovlm/error.h"
#include "nanovlm/json_limits.h"
#include "regular_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

namespace nanovlm {
namespace {

// A header this large is not a weights index but a corrupt or hostile file.
constexpr std::uint64_t kMaxHeaderBytes = 100u << 20;

bool parse_dtype(const std::string& name, DType& out) {
    if (name == "F32") {
        out = DType::F32;
    } else if (name == "F16") {
        out = DType::F16;
    } else if (name == "BF16") {
        out = DType::BF16;
    } else {
        return false;
    }
    return true;
}

// The first 8 bytes of a safetensors file: the header's length, little-endian.
std::uint64_t header_length(const std::uint8_t* bytes) {
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) {
        length = (length << 8) | bytes[i];
    }
    return length;
}

TensorInfo parse_entry(const std::string& name, const nlohmann::json& entry, std::size_t data_size,
                       std::size_t data_start, const std::string& path) {
    auto fail = [&](const std::string& what) -> Error {
        return Error(path + ": tensor \"" + name + "\": " + what);
    };
    if (!entry.is_object()) {
        throw fail("header entry is not an object");
    }
    TensorInfo t;
    t.name = name;
    const auto dtype = entry.find("dtype");
    if (dtype == entry.end() || !dtype->is_string()) {
        throw fail(dtype == entry.end() ? "missing dtype" : "dtype must be a string");
    }
    if (!parse_dtype(dtype->get<std::string>(), t.dtype)) {
        throw fail("dtype " + dtype->get<std::string>() +
                   " is not supported (expected F32, F16 or BF16)");
    }
    const auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array()) {
        throw fail(shape == entry.end() ? "missing shape" : "shape must be a list of sizes");
    }
    std::uint64_t elements = 1;
    for (const auto& dim : *shape) {
        if (!dim.is_number_unsigned() || dim.get<std::uint64_t>() > (1ull << 40)) {
            throw fail("shape " + shape->dump() + " is not a list of sizes");
        }
        const std::uint64_t d = dim.get<std::uint64_t>();
        t.shape.push_back(std::int64_t(d));
        if (d != 0 && elements > std::numeric_limits<std::uint64_t>::max() / d) {
            throw fail("shape " + shape->dump() + " overflows");
        }
        elements *= d;
    }
    const auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
        throw fail("data_offsets must be [begin, end]");
    }
    const std::uint64_t begin = (*offsets)[0].get<std::uint64_t>();
    const std::uint64_t end = (*offsets)[1].get<std::uint64_t>();
    if (begin > end) {
        throw fail("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                   "] run backwards");
    }
    if (end > data_size) {
        throw fail("data_offsets end " + std::to_string(end) + " lies beyond the " +
                   std::to_string(data_size) +
                   " bytes of tensor data in the file (truncated download?)");
    }
    const std::uint64_t expected = elements * dtype_size(t.dtype);
    if (elements > std::numeric_limits<std::uint64_t>::max() / 8 || end - begin != expected) {
        throw fail("shape " + shape_text(t.shape) + " of " + std::string(dtype_name(t.dtype)) +
                   " needs " + std::to_string(expected) + " bytes, but data_offsets span " +
                   std::to_string(end - begin));
    }
    t.offset = data_start + std::size_t(begin);
    t.bytes = std::size_t(end - begin);
    return t;
}

// The format's own rule: the data region starts right after the header and the tensors cover
// it exactly, back to back. A header length a few bytes off still parses (the header ends in
// padding spaces) but shifts every tensor; bytes no tensor owns are a damaged or polyglot file.
void check_data_covered(const SafetensorsHeader& header, std::size_t file_size,
                        const std::string& path) {
    std::vector<const TensorInfo*> by_offset;
    for (const auto& [name, t] : header.tensors) {
        by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
        return a->offset != b->offset ? a->offset < b->offset : a->bytes < b->bytes;
    });
    // Overlaps first: a shifted tensor both overlaps one neighbour and leaves a gap, and the
    // overlap names the culprit.
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const TensorInfo& prev = *by_offset[i - 1];
        if (by_offset[i]->offset < prev.offset + prev.bytes) {
            throw Error(path + ": tensors \"" + prev.name + "\" and \"" + by_offset[i]->name +
                        "\" overlap in the file");
        }
    }
    std::size_t covered = header.data_start;
    for (const TensorInfo* t : by_offset) {
        if (t->offset > covered) {
            throw Error(path + ": " + std::to_string(t->offset - covered) +
                        " bytes of the data region before tensor \"" + t->name + "\" (at " +
                        std::to_string(t->offset - header.data_start) +
                        ") belong to no tensor: the header length or data_offsets are wrong");
        }
        covered = t->offset + t->bytes;
    }
    if (covered != file_size) {
        throw Error(path + ": " + std::to_string(file_size - covered) +
                    " bytes after the last tensor belong to no tensor: the header length or "
                    "data_offsets are wrong, or the file has trailing data");
    }
}

} // namespace

std::string_view dtype_name(DType dtype) {
    switch (dtype) {
    case DType::F32:
        return "F32";
    case DType::F16:
        return "F16";
    case DType::BF16:
        return "BF16";
    }
    return "?";
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        s += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return s + "]";
}

std::size_t dtype_size(DType dtype) {
    return dtype == DType::F32 ? 4 : 2;
}

const TensorInfo* SafetensorsHeader::find(std::string_view name) const {
    const auto it = tensors.find(name);
    return it == tensors.end() ? nullptr : &it->second;
}

SafetensorsHeader parse_safetensors_header(const std::uint8_t* prefix, std::size_t prefix_size,
                                           std::size_t file_size, const std::string& path) {
    if (file_size < 8 || prefix_size < 8) {
        throw Error(path + ": too short to be a safetensors file (" + std::to_string(file_size) +
                    " bytes)");
    }
    const std::uint64_t header_len = header_length(prefix);
    if (header_len > kMaxHeaderBytes || header_len > file_size - 8) {
        throw Error(path + ": header length " + std::to_string(header_len) +
                    " is larger than the file (" + std::to_string(file_size) +
                    " bytes): truncated or not a safetensors file");
    }
    if (prefix_size < 8 + header_len) {
        throw Error(path + ": could not read the whole header");
    }
    nlohmann::json header;
    try {
        header = parse_json_limited(
            std::string_view(reinterpret_cast<const char*>(prefix) + 8, std::size_t(header_len)),
            path + ": the safetensors header");
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": the safetensors header is not valid JSON (" + e.what() + ")");
    }
    if (!header.is_object()) {
        throw Error(path + ": the safetensors header is not a JSON object");
    }

    SafetensorsHeader result;
    result.data_start = std::size_t(8 + header_len);
    const std::size_t data_size = file_size - result.data_start;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (entry.is_object()) {
                for (const auto& [key, value] : entry.items()) {
                    if (value.is_string()) {
                        result.metadata[key] = value.get<std::string>();
                    }
                }
            }
            continue;
        }
        result.tensors.emplace(name, parse_entry(name, entry, data_size, result.data_start, path));
    }

    check_data_covered(result, file_size, path);
    return result;
}

SafetensorsHeader read_safetensors_header(const std::string& path, std::size_t* bytes_read) {
    const RegularFile in(path, "weights file");
    const std::size_t file_size = in.size();
    std::uint8_t len_bytes[8] = {};
    if (file_size < 8) {
        throw Error(path + ": too short to be a safetensors file (" + std::to_string(file_size) +
                    " bytes)");
    }
    in.read_at(0, len_bytes, 8);
    if (bytes_read != nullptr) {
        *bytes_read += 8;
    }
    const std::uint64_t header_len = header_length(len_bytes);
    std::vector<std::uint8_t> prefix(8);
    std::copy(len_bytes, len_bytes + 8, prefix.begin());
    if (header_len <= kMaxHeaderBytes && header_len <= file_size - 8) {
        prefix.resize(8 + std::size_t(header_len));
        in.read_at(8, prefix.data() + 8, std::size_t(header_len));
        if (bytes_read != nullptr) {
            *bytes_read += std::size_t(header_len);
        }
    }
    return parse_safetensors_header(prefix.data(), prefix.size(), file_size, path);
}

} // namespace nanovlm
