#include "regular_file.h"

#include "nanovlm/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>    // open, O_NONBLOCK
#include <sys/stat.h> // fstat, S_ISREG
#include <unistd.h>   // pread, close

namespace nanovlm {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a folder";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "of an unusual type";
}

std::string mib(std::size_t bytes) {
    return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}

} // namespace

RegularFile::RegularFile(const std::string& path, std::string_view what)
    : path_(path), what_(what) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd_ < 0 && errno == ENOENT) {
        throw Error(path + ": the " + what_ + " is missing");
    }
    if (fd_ < 0) {
        throw Error(path + ": cannot open the " + what_ + " (" + std::strerror(errno) + ")");
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        const int error = errno;
        ::close(fd_);
        throw Error(path + ": cannot read the " + what_ + " (" + std::strerror(error) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw Error(path + ": the " + what_ + " is not a regular file (it is " +
                    kind_of(st.st_mode) + ")");
    }
    size_ = std::size_t(st.st_size);
}

RegularFile::~RegularFile() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

int RegularFile::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void RegularFile::read_at(std::size_t offset, void* dst, std::size_t bytes) const {
    auto* out = static_cast<char*>(dst);
    while (bytes > 0) {
        const ssize_t got = ::pread(fd_, out, bytes, off_t(offset));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            throw Error(path_ + ": cannot read the " + what_ + " (" + std::strerror(errno) + ")");
        }
        if (got == 0) {
            throw Error(path_ + ": the " + what_ + " ended early (was it changed while read?)");
        }
        out += got;
        offset += std::size_t(got);
        bytes -= std::size_t(got);
    }
}

std::string read_regular_file(const std::string& path, std::size_t max_bytes,
                              std::string_view what) {
    const RegularFile file(path, what);
    if (file.size() > max_bytes) {
        throw Error(path + ": the " + std::string(what) + " is " + mib(file.size()) +
                    ", more than the " + mib(max_bytes) + " such a file can hold");
    }
    std::string text(file.size(), '\0');
    file.read_at(0, text.data(), text.size());
    return text;
}

bool exists_but_is_not_regular(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

} // namespace nanovlm
