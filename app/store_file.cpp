#include "store_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace nanovlm::app {
namespace {

void set(QString* error, const QString& message) {
    if (error != nullptr) {
        *error = message;
    }
}

QString os_error(int code) {
    return QString::fromLocal8Bit(std::strerror(code));
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

} // namespace

QString human_size(qint64 bytes) {
    if (bytes >= 10 * 1024 * 1024) {
        return QStringLiteral("%1 MB").arg(bytes / (1024 * 1024));
    }
    if (bytes >= 10 * 1024) {
        return QStringLiteral("%1 KB").arg(bytes / 1024);
    }
    return QStringLiteral("%1 bytes").arg(bytes);
}

std::optional<QByteArray> read_regular_file(const QString& path, qint64 max_bytes, QString* error) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    const Fd fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) {
        set(error, QStringLiteral("cannot read: %1").arg(os_error(errno)));
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        set(error, QStringLiteral("cannot read: %1").arg(os_error(errno)));
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        set(error, QStringLiteral("not a regular file (a folder, device or pipe)"));
        return std::nullopt;
    }
    if (st.st_size > max_bytes) {
        set(error, QStringLiteral("the file is %1; at most %2 is read")
                       .arg(human_size(st.st_size), human_size(max_bytes)));
        return std::nullopt;
    }
    QByteArray bytes;
    bytes.resize(qsizetype(st.st_size));
    qsizetype done = 0;
    // A file that grows while read is cut at its size when opened (and at most max_bytes).
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd.get(), bytes.data() + done, std::size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            set(error, QStringLiteral("cannot read: %1").arg(os_error(errno)));
            return std::nullopt;
        }
        if (n == 0) {
            bytes.truncate(done); // shrank while read
            break;
        }
        done += n;
    }
    return bytes;
}

bool write_file_atomically(const QString& path, const QByteArray& bytes, QString* error) {
    const QFileInfo info(path);
    const QString folder = info.path();
    if (!QDir().mkpath(folder)) {
        set(error, QStringLiteral("cannot create the folder %1").arg(folder));
        return false;
    }
    // O_EXCL creates a new file (never opens an existing one or a link's target); the rename
    // then replaces the directory entry at `path`, whatever it is, instead of writing into it.
    QByteArray temp = QFile::encodeName(folder + QStringLiteral("/.") + info.fileName() +
                                        QStringLiteral(".XXXXXX"));
    Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (fd.get() < 0) {
        set(error, QStringLiteral("cannot write %1: %2").arg(path, os_error(errno)));
        return false;
    }
    auto fail = [&](int code) {
        ::unlink(temp.constData());
        set(error, QStringLiteral("cannot write %1: %2").arg(path, os_error(code)));
        return false;
    };
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n =
            ::write(fd.get(), bytes.constData() + done, std::size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return fail(n < 0 ? errno : ENOSPC);
        }
        done += n;
    }
    if (::fsync(fd.get()) != 0) {
        return fail(errno);
    }
    if (::close(fd.release()) != 0) {
        return fail(errno);
    }
    if (::rename(temp.constData(), QFile::encodeName(path).constData()) != 0) {
        return fail(errno);
    }
    // The rename itself reaches the disk with the folder's fsync.
    const Fd dir(::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) {
        ::fsync(dir.get());
    }
    return true;
}

} // namespace nanovlm::app
