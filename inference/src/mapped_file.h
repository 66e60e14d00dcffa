#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime> // timespec
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

    bool contains(const void* p) const {
        const auto* byte = static_cast<const std::uint8_t*>(p);
        return byte >= data_ && byte < data_ + size_;
    }
    // Copies [p, p + bytes) into dst. A range inside the map is read from the file with pread:
    // its pages never enter this process's memory, and reading a checkpoint so measured 3x faster
    // here than touching its pages through the map for the first time.
    void copy(const void* p, std::size_t bytes, void* dst) const;

    // Whether the file was truncated or rewritten since it was mapped: a SIGBUS on the map
    // (map_guard.h) or a new size or modification time. Its weights are then zeros or another
    // model's, and no answer computed from them can be trusted.
    bool changed() const;
    // Throws Error naming the file when changed().
    void check_unchanged() const;

private:
    std::string path_;
    int fd_ = -1; // kept open for copy()
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    timespec modified_{};
    int guard_ = -1; // map_guard slot
};

} // namespace nanovlm
