#include "mapped_file.h"

#include "nanovlm/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>    // open
#include <sys/mman.h> // mmap, madvise
#include <sys/stat.h> // fstat
#include <unistd.h>   // close, pread

namespace nanovlm {

MappedFile::MappedFile(const std::string& path) : path_(path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(path + ": not a regular file");
    }
    size_ = std::size_t(st.st_size);
    if (size_ == 0) {
        ::close(fd);
        throw Error(path + ": the file is empty");
    }
    void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
        const int map_errno = errno;
        ::close(fd);
        throw Error(path + ": cannot map into memory (" + std::strerror(map_errno) + ")");
    }
    // Start reading the weights from disk now, in the background: every one of them is used by
    // the first answer. Only a hint; failure changes nothing.
    ::madvise(mapped, size_, MADV_WILLNEED);
    fd_ = fd;
    data_ = static_cast<const std::uint8_t*>(mapped);
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) {
        ::munmap(const_cast<std::uint8_t*>(data_), size_);
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void MappedFile::copy(const void* p, std::size_t bytes, void* dst) const {
    auto* out = static_cast<std::uint8_t*>(dst);
    if (contains(p)) {
        std::size_t offset = std::size_t(static_cast<const std::uint8_t*>(p) - data_);
        while (bytes > 0) {
            const ssize_t got = ::pread(fd_, out, bytes, off_t(offset));
            if (got <= 0) {
                break; // the map still holds the bytes: copy the rest from it
            }
            out += got;
            offset += std::size_t(got);
            bytes -= std::size_t(got);
        }
        p = data_ + offset;
    }
    std::memcpy(out, p, bytes);
}

} // namespace nanovlm
