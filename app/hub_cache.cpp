#include "hub_cache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace nanovlm::app {

HubRepoCache::HubRepoCache(QString cache, QString repo)
    : cache_(std::move(cache)), repo_(std::move(repo)),
      folder_(cache_ + "/models--" + QString(repo_).replace('/', QLatin1String("--"))) {}

QString HubRepoCache::blobPath(const QString& etag) const {
    return folder_ + "/blobs/" + etag;
}

QString HubRepoCache::incompletePath(const QString& etag) const {
    return blobPath(etag) + ".incomplete";
}

QString HubRepoCache::lockPath(const QString& etag) const {
    return cache_ + "/.locks/" + QFileInfo(folder_).fileName() + "/" + etag + ".lock";
}

QString HubRepoCache::snapshotFolder(const QString& commit) const {
    return folder_ + "/snapshots/" + commit;
}

QString HubRepoCache::pointerPath(const QString& commit, const QString& file) const {
    return snapshotFolder(commit) + "/" + file;
}

bool HubRepoCache::linkPointer(const QString& commit, const QString& file, const QString& etag,
                               QString* error) const {
    const QString pointer = pointerPath(commit, file);
    const QString dir = QFileInfo(pointer).absolutePath();
    if (!QDir().mkpath(dir)) {
        *error = "cannot create " + dir;
        return false;
    }
    const QString target = QDir(dir).relativeFilePath(blobPath(etag));
    if (QFileInfo(pointer).symLinkTarget() == QFileInfo(blobPath(etag)).absoluteFilePath() &&
        QFileInfo(pointer).isSymLink()) {
        return true;
    }
    // A new link beside the old one, renamed over it: the snapshot never lacks the file.
    const QString temporary = pointer + ".nanovlm-link";
    QFile::remove(temporary);
    if (::symlink(QFile::encodeName(target).constData(),
                  QFile::encodeName(temporary).constData()) != 0 ||
        ::rename(QFile::encodeName(temporary).constData(),
                 QFile::encodeName(pointer).constData()) != 0) {
        *error = "cannot link " + pointer + " to " + target + ": " + qt_error_string(errno);
        QFile::remove(temporary);
        return false;
    }
    return true;
}

bool HubRepoCache::hasPointer(const QString& commit, const QString& file) const {
    return QFileInfo(pointerPath(commit, file)).isFile(); // follows the link
}

bool HubRepoCache::writeRef(const QString& revision, const QString& commit, QString* error) const {
    if (revision == commit) {
        return true;
    }
    const QString path = folder_ + "/refs/" + revision;
    if (readRef(revision) == commit) {
        return true;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(commit.toLatin1()) != commit.size() ||
        !file.commit()) {
        *error = "cannot write " + path + ": " + file.errorString();
        return false;
    }
    return true;
}

QString HubRepoCache::readRef(const QString& revision) const {
    if (isCommitHash(revision)) {
        return revision;
    }
    QFile file(folder_ + "/refs/" + revision);
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll().trimmed())
                                          : QString();
}

BlobLock::~BlobLock() {
    release();
}

bool BlobLock::acquire(const QString& path, QString* error) {
    release();
    QDir().mkpath(QFileInfo(path).absolutePath());
    fd_ = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        *error = "cannot open the lock file " + path + ": " + qt_error_string(errno);
        return false;
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        *error = "another program (huggingface-cli?) is downloading the same file right now";
        release();
        return false;
    }
    return true;
}

void BlobLock::release() {
    if (fd_ >= 0) {
        ::close(fd_); // closing drops the flock
        fd_ = -1;
    }
}

bool isCommitHash(const QString& revision) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{40}$"));
    return hex.match(revision).hasMatch();
}

} // namespace nanovlm::app
