#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace nanovlm {

// A read-only memory map of a whole file. Weights are used in place from it, never copied.
class MappedFile {
public:
    explicit MappedFile(const std::string& path); // throws Error
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace nanovlm
