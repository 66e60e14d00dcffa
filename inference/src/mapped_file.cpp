#include "mapped_file.h"

#include "map_guard.h"
#include "nanovlm/error.h"
#include "regular_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>    // open
#include <sys/mman.h> // mmap, madvise
#include <sys/stat.h> // fstat
#include <unistd.h>   // close, pread

namespace nanovlm {

MappedFile::MappedFile(const std::string& path) : path_(path) {
    const int fd = RegularFile(path, "weights file").release();
    struct stat st {};
    ::fstat(fd, &st);
    size_ = std::size_t(st.st_size);
    modified_ = st.st_mtim;
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
    guard_ = map_guard::add(data_, size_);
}

MappedFile::~MappedFile() {
    map_guard::remove(guard_);
    if (data_ != nullptr) {
        ::munmap(const_cast<std::uint8_t*>(data_), size_);
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool MappedFile::changed() const {
    if (map_guard::changed(guard_)) {
        return true;
    }
    struct stat st {};
    return ::fstat(fd_, &st) != 0 || std::size_t(st.st_size) != size_ ||
           st.st_mtim.tv_sec != modified_.tv_sec || st.st_mtim.tv_nsec != modified_.tv_nsec;
}

void MappedFile::check_unchanged() const {
    if (changed()) {
        throw Error("the checkpoint file " + path_ +
                    " changed while in use (truncated or overwritten); reopen the model");
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
