#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nanovlm {

// The most bytes each kind of file the engine reads can sensibly hold. A bigger file is damaged
// or hostile (/dev/zero, a 5 GB "config.json"), and reading it whole would exhaust memory.
constexpr std::size_t kMaxConfigBytes = std::size_t(1) << 20;     // config.json, demo.json
constexpr std::size_t kMaxTokenizerBytes = std::size_t(64) << 20; // SmolLM2's is 2.1 MB
constexpr std::size_t kMaxRefBytes = 4096;                        // refs/main: a commit hash

// A file opened for reading only after it proved to be a regular file. It is opened with
// O_NONBLOCK, so a FIFO in its place fails at once instead of waiting for a writer forever,
// and devices (/dev/zero) and folders are refused before a byte is read.
class RegularFile {
public:
    // `what` names the file in messages ("config.json", "tokenizer file"). Throws Error.
    RegularFile(const std::string& path, std::string_view what);
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;
    ~RegularFile();

    std::size_t size() const { return size_; }
    // Fills dst with `bytes` bytes from `offset`; throws Error when the file ends first.
    void read_at(std::size_t offset, void* dst, std::size_t bytes) const;
    // Hands the descriptor to the caller, who closes it.
    int release();

private:
    std::string path_;
    std::string what_;
    int fd_ = -1;
    std::size_t size_ = 0;
};

// The whole of a regular file of at most max_bytes bytes; throws Error naming `path` and
// `what` otherwise (missing, not a regular file, too large, unreadable).
std::string read_regular_file(const std::string& path, std::size_t max_bytes,
                              std::string_view what);

// Whether `path` names something other than a regular file (a FIFO, a device, a folder), for
// messages that must not call such a thing "not found".
bool exists_but_is_not_regular(const std::string& path);

} // namespace nanovlm
