#include "snapshot_download.h"

#include "blob_checksum.h"
#include "hub_config_check.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkProxyFactory>
#include <QStorageInfo>
#include <QTimer>

#include <cstdio>

namespace nanovlm::app {
namespace {

using K = DownloadFailureKind;

// What a tokenizer repo holds that transformers' AutoTokenizer reads beside tokenizer.json.
const QStringList kTokenizerFiles = {QStringLiteral("tokenizer.json"),
                                     QStringLiteral("tokenizer_config.json"),
                                     QStringLiteral("special_tokens_map.json")};

qint64 freeSpaceOf(const QString& directory) {
    QString dir = directory;
    while (!QFileInfo::exists(dir) && dir != QFileInfo(dir).absolutePath()) {
        dir = QFileInfo(dir).absolutePath();
    }
    return QStorageInfo(dir).bytesAvailable();
}

QString megabytes(qint64 bytes) {
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

SnapshotDownload::SnapshotDownload(QString repo, QString revision, HubEndpoint hub, QObject* parent)
    : QObject(parent), repo_(std::move(repo)),
      revision_(revision.isEmpty() ? QStringLiteral("main") : std::move(revision)),
      hub_(std::move(hub)), api_(&network_, hub_), fetch_(&network_, hub_),
      free_space_(freeSpaceOf) {
    QNetworkProxyFactory::setUseSystemConfiguration(true); // http(s)_proxy, no_proxy
    network_.setAutoDeleteReplies(false);
    connect(&fetch_, &HubFileFetch::progress, this,
            [this](qint64 onDisk) { emitProgress(onDisk, false); });
}

void SnapshotDownload::start() {
    ++run_;
    stopped_ = false;
    retries_ = 0;
    plan_.clear();
    sized_ = false;
    tokenizer_repo_.clear();
    done_bytes_ = 0;
    received_before_ = 0;
    result_ = Result{};
    result_.repo = repo_;
    result_.revision = revision_;
    clock_.start();
    rate_.start();
    if (!isValidRepoId(repo_)) {
        const int run = run_;
        QTimer::singleShot(0, this, [this, run] {
            if (stillRunning(run)) {
                fail({K::NotFound, "'" + repo_ +
                                       "' is not a Hugging Face repository id: "
                                       "write it as organisation/name, e.g. "
                                       "lusxvr/nanoVLM-230M-8k."});
            }
        });
        return;
    }
    if (hub_.offline) {
        const int run = run_;
        QTimer::singleShot(0, this, [this, run] {
            if (stillRunning(run)) {
                startOffline();
            }
        });
        return;
    }
    attempt([this] { askModelRevision(); });
}

void SnapshotDownload::pause() {
    if (stopped_) {
        return;
    }
    stop();
    emit finished(DownloadFailure{K::Cancelled, tr("Paused.")});
}

void SnapshotDownload::stop() {
    stopped_ = true;
    ++run_;
    if (api_reply_ != nullptr) {
        api_reply_->abort();
    }
    fetch_active_ = false;
    fetch_.abort();
    lock_.release();
}

void SnapshotDownload::cancel() {
    const bool was_running = !stopped_;
    stop();
    // Every partial blob of the repos, also those of an earlier run that this one has not
    // asked about yet.
    QStringList repos = {repo_};
    for (const PlannedFile& file : plan_) {
        if (!repos.contains(file.repo)) {
            repos.push_back(file.repo);
        }
    }
    for (const QString& repo : repos) {
        QDir blobs(cacheOf(repo).folder() + "/blobs");
        for (const QString& name : blobs.entryList({QStringLiteral("*.incomplete")}, QDir::Files)) {
            if (isVerifiableEtag(name.section('.', 0, 0)) && name.count('.') == 1) {
                blobs.remove(name);
            }
        }
    }
    if (was_running) {
        emit finished(DownloadFailure{K::Cancelled, tr("Cancelled.")});
    }
}

void SnapshotDownload::attempt(Step step) {
    const int run = run_;
    // Each step reports through fail() or moves on; a retryable failure comes back here.
    step_retry_ = [this, run, step] {
        if (stillRunning(run)) {
            step();
        }
    };
    step();
}

void SnapshotDownload::fail(DownloadFailure failure) {
    if (stopped_) {
        return;
    }
    if (failure.retryable() && retries_ < max_retries_) {
        const int pause_ms = first_pause_ms_ << retries_;
        ++retries_;
        emit status(tr("%1 Trying again in %2 s (%3 of %4)…")
                        .arg(failure.message)
                        .arg(pause_ms / 1000.0, 0, 'f', 1)
                        .arg(retries_)
                        .arg(max_retries_));
        QTimer::singleShot(pause_ms, this, step_retry_);
        return;
    }
    stopped_ = true;
    ++run_;
    lock_.release();
    if (failure.retryable()) {
        failure.message += tr(" The partial download is kept: start it again to resume.");
    } else if (failure.kind == K::NoNetwork) {
        failure.message += tr(" Check the connection (or HF_ENDPOINT), or download it by hand "
                              "with `%1`.")
                               .arg(HubEndpoint::manualCommand(repo_, revision_));
    }
    emit finished(failure);
}

void SnapshotDownload::askModelRevision() {
    emit status(tr("Asking the Hub about %1…").arg(repo_));
    const int run = run_;
    api_reply_ = api_.revision(repo_, revision_, [this, run](HubResult<RepoRevision> answer) {
        if (!stillRunning(run)) {
            return;
        }
        if (auto* failure = std::get_if<DownloadFailure>(&answer)) {
            fail(*failure);
            return;
        }
        const auto& info = std::get<RepoRevision>(answer);
        retries_ = 0;
        result_.commit = info.commit;
        result_.directory = cacheOf(repo_).snapshotFolder(info.commit);
        if (!info.files.contains("config.json") || !info.files.contains("model.safetensors")) {
            fail({K::NotNanoVlm,
                  tr("%1 is not a nanoVLM checkpoint: it has no %2. Nothing was downloaded.")
                      .arg(repo_, info.files.contains("config.json") ? "model.safetensors"
                                                                     : "config.json")});
            return;
        }
        plan_.push_back({repo_, info.commit, QStringLiteral("config.json"), {}, false});
        for (const QString& file : info.files) {
            if (file != "config.json") {
                plan_.push_back({repo_, info.commit, file, {}, false});
            }
        }
        result_.files = info.files;
        attempt([this] { askMetadata(0, [this] { fetchFile(0, [this] { checkConfig(); }); }); });
    });
}

void SnapshotDownload::askMetadata(std::size_t index, Step next) {
    PlannedFile& file = plan_[index];
    const int run = run_;
    api_reply_ = api_.metadata(
        hub_.resolveUrl(file.repo, file.commit, file.name), file.repo + "/" + file.name,
        [this, run, index, next](HubResult<FileMetadata> answer) {
            if (!stillRunning(run)) {
                return;
            }
            if (auto* failure = std::get_if<DownloadFailure>(&answer)) {
                fail(*failure);
                return;
            }
            retries_ = 0;
            PlannedFile& planned = plan_[index];
            planned.meta = std::get<FileMetadata>(answer);
            if (!isVerifiableEtag(planned.meta.etag)) {
                fail({K::Other, tr("The Hub's ETag for %1 ('%2') is not a checksum we can "
                                   "check, so it is not downloaded.")
                                    .arg(planned.name, planned.meta.etag)});
                return;
            }
            planned.have = QFileInfo(cacheOf(planned.repo).blobPath(planned.meta.etag)).isFile();
            next();
        });
}

void SnapshotDownload::fetchFile(std::size_t index, Step next) {
    PlannedFile& file = plan_[index];
    const HubRepoCache cache = cacheOf(file.repo);
    fetching_ = index;
    if (file.have) {
        next();
        return;
    }
    QString error;
    if (!QDir().mkpath(cache.folder() + "/blobs")) {
        fail({K::DiskFull, tr("Cannot create %1.").arg(cache.folder() + "/blobs")});
        return;
    }
    if (!lock_.acquire(cache.lockPath(file.meta.etag), &error)) {
        fail({K::Busy, file.name + ": " + error + "."});
        return;
    }
    emit status(tr("Downloading %1…").arg(file.name));
    const int run = run_;
    disconnect(&fetch_, &HubFileFetch::finished, this, nullptr);
    connect(&fetch_, &HubFileFetch::finished, this,
            [this, run, index, next](std::optional<DownloadFailure> failure) {
                if (!stillRunning(run)) {
                    return;
                }
                fetch_active_ = false;
                received_before_ += fetch_.bytesReceived();
                PlannedFile& planned = plan_[index];
                const HubRepoCache cache = cacheOf(planned.repo);
                const QString incomplete = cache.incompletePath(planned.meta.etag);
                if (failure) {
                    lock_.release();
                    fail(*failure);
                    return;
                }
                QString why;
                if (!blobMatchesEtag(incomplete, planned.meta.etag, &why)) {
                    QFile::remove(incomplete);
                    lock_.release();
                    fail({K::Checksum,
                          tr("%1 arrived damaged (%2). The partial file was deleted; start the "
                             "download again.")
                              .arg(planned.name, why)});
                    return;
                }
                const QString blob = cache.blobPath(planned.meta.etag);
                if (::rename(QFile::encodeName(incomplete).constData(),
                             QFile::encodeName(blob).constData()) != 0) {
                    lock_.release();
                    fail({K::DiskFull, tr("Cannot rename %1 to %2: %3")
                                           .arg(incomplete, blob, qt_error_string(errno))});
                    return;
                }
                lock_.release();
                planned.have = true;
                retries_ = 0;
                next();
            });
    fetch_active_ = true;
    fetch_.start(file.meta.location, file.name, cache.incompletePath(file.meta.etag),
                 file.meta.size);
}

void SnapshotDownload::checkConfig() {
    const PlannedFile& config = plan_[0];
    const QString blob = cacheOf(repo_).blobPath(config.meta.etag);
    QString problem;
    const auto parsed = nanoVlmConfig(readAll(blob), repo_ + "/config.json", &problem);
    if (!parsed) {
        fail({K::NotNanoVlm,
              tr("%1 is not a nanoVLM checkpoint (%2). Its weights were not downloaded.")
                  .arg(repo_, problem)});
        return;
    }
    tokenizer_repo_ = QString::fromStdString(parsed->lm_tokenizer);
    done_bytes_ += qMax<qint64>(config.meta.size, 0);
    if (result_.files.contains("tokenizer.json") || tokenizer_repo_.isEmpty()) {
        attempt([this] { askRemainingMetadata(1); });
        return;
    }
    attempt([this] { askTokenizerRevision(); });
}

void SnapshotDownload::askTokenizerRevision() {
    emit status(tr("Asking the Hub about the tokenizer %1…").arg(tokenizer_repo_));
    const int run = run_;
    api_reply_ = api_.revision(
        tokenizer_repo_, QStringLiteral("main"), [this, run](HubResult<RepoRevision> answer) {
            if (!stillRunning(run)) {
                return;
            }
            if (auto* failure = std::get_if<DownloadFailure>(&answer)) {
                failure->message =
                    tr("The tokenizer %1: %2").arg(tokenizer_repo_, failure->message);
                fail(*failure);
                return;
            }
            retries_ = 0;
            const auto& info = std::get<RepoRevision>(answer);
            if (!info.files.contains("tokenizer.json")) {
                fail({K::NotFound, tr("The tokenizer repository %1 that %2 names has no "
                                      "tokenizer.json.")
                                       .arg(tokenizer_repo_, repo_)});
                return;
            }
            result_.tokenizerRepo = tokenizer_repo_;
            result_.tokenizerCommit = info.commit;
            result_.tokenizerFile =
                cacheOf(tokenizer_repo_).pointerPath(info.commit, "tokenizer.json");
            for (const QString& name : kTokenizerFiles) {
                if (info.files.contains(name)) {
                    plan_.push_back({tokenizer_repo_, info.commit, name, {}, false});
                }
            }
            attempt([this] { askRemainingMetadata(1); });
        });
}

void SnapshotDownload::askRemainingMetadata(std::size_t index) {
    if (index >= plan_.size()) {
        checkDiskSpace();
        return;
    }
    askMetadata(index,
                [this, index] { attempt([this, index] { askRemainingMetadata(index + 1); }); });
}

void SnapshotDownload::checkDiskSpace() {
    qint64 needed = 0;
    for (std::size_t i = 1; i < plan_.size(); ++i) {
        const PlannedFile& file = plan_[i];
        if (!file.have && file.meta.size > 0) {
            const qint64 partial =
                QFileInfo(cacheOf(file.repo).incompletePath(file.meta.etag)).size();
            needed += qMax<qint64>(file.meta.size - partial, 0);
        }
    }
    sized_ = true;
    const qint64 free = free_space_(hub_.cache);
    if (free >= 0 && needed > free) {
        fail({K::DiskFull, tr("Not enough disk space: %1 needs %2 more, but only %3 is free in "
                              "%4. Nothing more was downloaded.")
                               .arg(repo_, megabytes(needed), megabytes(free), hub_.cache)});
        return;
    }
    attempt([this] { fetchRemaining(1); });
}

void SnapshotDownload::fetchRemaining(std::size_t index) {
    if (index >= plan_.size()) {
        linkAndFinish();
        return;
    }
    fetchFile(index, [this, index] {
        done_bytes_ += qMax<qint64>(plan_[index].meta.size, 0);
        emitProgress(0, true);
        attempt([this, index] { fetchRemaining(index + 1); });
    });
}

void SnapshotDownload::linkAndFinish() {
    // The tokenizer first and config.json last: a scan that runs meanwhile sees either no
    // snapshot or one whose every file is there.
    std::vector<const PlannedFile*> order;
    for (auto it = plan_.rbegin(); it != plan_.rend(); ++it) {
        order.push_back(&*it);
    }
    QString error;
    for (const PlannedFile* file : order) {
        if (!cacheOf(file->repo).linkPointer(file->commit, file->name, file->meta.etag, &error)) {
            fail({K::DiskFull, error});
            return;
        }
    }
    if (!cacheOf(repo_).writeRef(revision_, result_.commit, &error) ||
        (!tokenizer_repo_.isEmpty() && !result_.tokenizerCommit.isEmpty() &&
         !cacheOf(tokenizer_repo_).writeRef("main", result_.tokenizerCommit, &error))) {
        fail({K::DiskFull, error});
        return;
    }
    if (result_.tokenizerFile.isEmpty() && result_.files.contains("tokenizer.json")) {
        result_.tokenizerFile = cacheOf(repo_).pointerPath(result_.commit, "tokenizer.json");
    }
    for (const PlannedFile& file : plan_) {
        if (file.repo == repo_) {
            result_.bytes += qMax<qint64>(file.meta.size, 0);
        }
    }
    result_.received = received_before_;
    stopped_ = true;
    emit finished(std::nullopt);
}

void SnapshotDownload::emitProgress(qint64 currentFileOnDisk, bool force) {
    if (!sized_) { // a total that grows as files are asked about would make the bar jump back
        return;
    }
    const qint64 now = clock_.elapsed();
    if (!force && now - last_emit_ms_ < 100) {
        return;
    }
    last_emit_ms_ = now;
    qint64 total = 0;
    for (const PlannedFile& file : plan_) {
        total += qMax<qint64>(file.meta.size, 0);
    }
    const qint64 done = done_bytes_ + currentFileOnDisk;
    rate_.add(received_before_ + (fetch_active_ ? fetch_.bytesReceived() : 0));
    const QString file = fetching_ < plan_.size() ? plan_[fetching_].name : QString();
    emit progress(done, total, rate_.bytesPerSecond(), rate_.secondsFor(total - done), file);
}

void SnapshotDownload::startOffline() {
    const HubRepoCache cache = cacheOf(repo_);
    const QString commit = cache.readRef(revision_);
    const auto offline = [this](const QString& what) {
        fail({K::Offline, tr("HF_HUB_OFFLINE is set, so nothing is asked of the Hub, and %1. "
                             "Unset HF_HUB_OFFLINE to download it.")
                              .arg(what)});
    };
    if (commit.isEmpty() || !cache.hasPointer(commit, "config.json") ||
        !cache.hasPointer(commit, "model.safetensors")) {
        offline(tr("%1 (%2) is not complete in the cache %3").arg(repo_, revision_, hub_.cache));
        return;
    }
    QString problem;
    const auto parsed = nanoVlmConfig(readAll(cache.pointerPath(commit, "config.json")),
                                      repo_ + "/config.json", &problem);
    if (!parsed) {
        fail({K::NotNanoVlm, tr("%1 is not a nanoVLM checkpoint (%2).").arg(repo_, problem)});
        return;
    }
    const QString tokenizer_repo = QString::fromStdString(parsed->lm_tokenizer);
    result_.commit = commit;
    result_.directory = cache.snapshotFolder(commit);
    if (cache.hasPointer(commit, "tokenizer.json")) {
        result_.tokenizerFile = cache.pointerPath(commit, "tokenizer.json");
    } else if (!tokenizer_repo.isEmpty()) {
        const HubRepoCache tokenizer = cacheOf(tokenizer_repo);
        const QString tokenizer_commit = tokenizer.readRef("main");
        if (tokenizer_commit.isEmpty() ||
            !tokenizer.hasPointer(tokenizer_commit, "tokenizer.json")) {
            offline(tr("its tokenizer %1 is not in the cache").arg(tokenizer_repo));
            return;
        }
        result_.tokenizerRepo = tokenizer_repo;
        result_.tokenizerCommit = tokenizer_commit;
        result_.tokenizerFile = tokenizer.pointerPath(tokenizer_commit, "tokenizer.json");
    }
    QDir snapshot(result_.directory);
    for (const QFileInfo& info :
         snapshot.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name)) {
        result_.files.push_back(info.fileName());
        result_.bytes += info.size();
    }
    result_.fromCache = true;
    stopped_ = true;
    emit finished(std::nullopt);
}

} // namespace nanovlm::app
