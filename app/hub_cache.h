#pragma once

#include <QString>

namespace nanovlm::app {

// One repository's folder in the Hugging Face cache, laid out as huggingface_hub lays it out:
//   blobs/<etag>                 verified file contents, named by the Hub's ETag
//   blobs/<etag>.incomplete      a download in progress (resumed with an HTTP Range request)
//   snapshots/<commit>/<file>    relative symlink to ../../blobs/<etag>
//   refs/<revision>              the commit a branch or tag named, no newline
// and the lock files huggingface_hub takes, CACHE/.locks/models--{org}--{name}/<etag>.lock, so
// a `huggingface-cli download` of the same file at the same time waits for us and we for it.
class HubRepoCache {
public:
    HubRepoCache(QString cache, QString repo);

    QString folder() const { return folder_; }
    QString blobPath(const QString& etag) const;
    QString incompletePath(const QString& etag) const;
    QString lockPath(const QString& etag) const;
    QString snapshotFolder(const QString& commit) const;
    QString pointerPath(const QString& commit, const QString& file) const;

    // Points snapshots/<commit>/<file> at blobs/<etag> with a relative link (replacing any
    // link there). False with *error set on failure.
    bool linkPointer(const QString& commit, const QString& file, const QString& etag,
                     QString* error) const;
    // True when snapshots/<commit>/<file> resolves to an existing blob.
    bool hasPointer(const QString& commit, const QString& file) const;

    // refs/<revision> := commit, atomically; nothing when revision is the commit itself.
    bool writeRef(const QString& revision, const QString& commit, QString* error) const;
    // The commit refs/<revision> names, or "" (a 40-hex revision names itself).
    QString readRef(const QString& revision) const;

private:
    QString cache_;
    QString repo_;
    QString folder_;
};

// An flock(2) on a lock file, as huggingface_hub's filelock takes it; released on destruction.
class BlobLock {
public:
    BlobLock() = default;
    BlobLock(const BlobLock&) = delete;
    BlobLock& operator=(const BlobLock&) = delete;
    ~BlobLock();
    // Never blocks (the GUI thread calls it): false with *error set when the file cannot be
    // opened or another process holds the lock.
    bool acquire(const QString& path, QString* error);
    void release();

private:
    int fd_ = -1;
};

bool isCommitHash(const QString& revision);

} // namespace nanovlm::app
