#pragma once

#include "download_failure.h"
#include "hub_api.h"
#include "hub_cache.h"
#include "hub_file_fetch.h"
#include "transfer_rate.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>
#include <vector>

namespace nanovlm::app {

// Downloads a nanoVLM checkpoint and the tokenizer its config.json names into the Hugging Face
// cache, as `huggingface-cli download` would (see HubRepoCache for the layout):
//   1. GET the revision of the repo: its commit and file list;
//   2. HEAD + GET config.json, refuse if it is not a nanoVLM config (before any weights);
//   3. GET the revision of its lm_tokenizer repo; tokenizer.json and the files beside it;
//   4. HEAD every file for its ETag and size; check the free disk space for what is missing;
//   5. GET each missing file into blobs/<etag>.incomplete (resuming a partial one), check it
//      against its ETag, rename it to blobs/<etag>;
//   6. link snapshots/<commit>/<file> for every file, write refs/<revision>.
// Only checked blobs are ever linked under snapshots/. Server errors and dropped connections
// are retried with a growing pause; after the last try the partial files stay for a resume.
class SnapshotDownload : public QObject {
    Q_OBJECT

public:
    struct Result {
        QString repo, revision, commit, directory; // directory: the snapshot folder
        QStringList files;                         // of the repo, as in the snapshot
        qint64 bytes = 0;                          // their total size
        QString tokenizerRepo, tokenizerCommit, tokenizerFile;
        qint64 received = 0;    // bytes that came over the network in this run
        bool fromCache = false; // HF_HUB_OFFLINE: found complete in the cache, nothing asked
    };

    SnapshotDownload(QString repo, QString revision, HubEndpoint hub, QObject* parent = nullptr);

    // Free bytes where `directory` is (its nearest existing parent); QStorageInfo by default.
    // The tests stand in a small disk with it.
    void setFreeSpaceQuery(std::function<qint64(const QString&)> query) {
        free_space_ = std::move(query);
    }
    // Tries after a retryable failure, and the pause before the first (doubling each time).
    void setRetryPolicy(int retries, int firstPauseMs) {
        max_retries_ = retries;
        first_pause_ms_ = firstPauseMs;
    }

    void start();
    // Stops at once, keeping partial files for a later start(); finished(Cancelled) follows.
    void pause();
    // Stops and deletes this download's partial files; finished(Cancelled) follows.
    void cancel();

    QString repo() const { return repo_; }
    const Result& result() const { return result_; }

signals:
    // bytesPerSecond over the last seconds; secondsLeft -1 when unknown.
    void progress(qint64 done, qint64 total, double bytesPerSecond, double secondsLeft,
                  const QString& file);
    // "Asking the Hub about org/name", "Downloading model.safetensors", ...
    void status(const QString& text);
    void finished(std::optional<nanovlm::app::DownloadFailure> failure);

private:
    struct PlannedFile {
        QString repo, commit, name;
        FileMetadata meta;
        bool have = false; // its blob is in the cache (checked earlier or just now)
    };

    using Step = std::function<void()>;
    void attempt(Step step);
    void fail(DownloadFailure failure);
    bool stillRunning(int run) const { return run == run_ && !stopped_; }
    HubRepoCache cacheOf(const QString& repo) const { return {hub_.cache, repo}; }

    void askModelRevision();
    void askMetadata(std::size_t index, Step next);
    void fetchFile(std::size_t index, Step next);
    void checkConfig();
    void askTokenizerRevision();
    void askRemainingMetadata(std::size_t index);
    void checkDiskSpace();
    void fetchRemaining(std::size_t index);
    void linkAndFinish();
    // Ends this run: requests aborted, the blob lock released; late callbacks do nothing.
    void stop();
    void startOffline();
    void emitProgress(qint64 currentFileOnDisk, bool force);

    QString repo_, revision_;
    HubEndpoint hub_;
    QNetworkAccessManager network_;
    HubApi api_;
    HubFileFetch fetch_;
    QPointer<QNetworkReply> api_reply_;
    BlobLock lock_;
    std::function<qint64(const QString&)> free_space_;
    int max_retries_ = 4;
    int first_pause_ms_ = 1000;
    int retries_ = 0;
    Step step_retry_; // the step a retryable failure tries again
    bool fetch_active_ = false;
    bool sized_ = false; // every file's size is known: progress can be reported
    int run_ = 0; // bumped by each start/pause/cancel: late callbacks of an older run do nothing
    bool stopped_ = false;

    std::vector<PlannedFile> plan_; // [0] is config.json
    QString tokenizer_repo_;
    std::size_t fetching_ = 0;
    qint64 done_bytes_ = 0; // of the files completed
    TransferRate rate_;
    qint64 received_before_ = 0; // network bytes of fetches already finished in this run
    qint64 last_emit_ms_ = -1000;
    QElapsedTimer clock_;
    Result result_;
};

} // namespace nanovlm::app
