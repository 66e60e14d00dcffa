#include "mapped_file.h"

#include "nanovlm/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>    // open
#include <sys/mman.h> // mmap, madvise
#include <sys/stat.h> // fstat
#include <unistd.h>   // close

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
    const int map_errno = errno;
    ::close(fd);
    if (mapped == MAP_FAILED) {
        throw Error(path + ": cannot map into memory (" + std::strerror(map_errno) + ")");
    }
    data_ = static_cast<const std::uint8_t*>(mapped);
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) {
        ::munmap(const_cast<std::uint8_t*>(data_), size_);
    }
}

} // namespace nanovlm
