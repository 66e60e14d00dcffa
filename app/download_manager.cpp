#include "download_manager.h"

#include "hub_cache.h"
#include "hub_model_preview.h"

#include <QLocale>
#include <QNetworkProxyFactory>
#include <QSettings>

namespace nanovlm::app {
namespace {

constexpr auto kActiveKey = "downloads/active"; // repos not finished, in order
constexpr auto kPausedKey = "downloads/paused"; // those the user paused

QString sizeText(double bytes) {
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeSIFormat);
}

} // namespace

QStringList DownloadManager::publishedRepos() {
    return {QStringLiteral("lusxvr/nanoVLM-230M-8k"), QStringLiteral("lusxvr/nanoVLM-460M-8k"),
            QStringLiteral("lusxvr/nanoVLM-450M"), QStringLiteral("lusxvr/nanoVLM-222M")};
}

DownloadManager::DownloadManager(QObject* parent)
    : QAbstractListModel(parent), hub_(HubEndpoint::fromEnvironment()) {
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    bool first = true;
    for (const QString& repo : publishedRepos()) {
        addRow(repo, first);
        first = false;
    }
    QSettings settings;
    const QStringList paused = settings.value(kPausedKey).toStringList();
    for (const QString& repo : settings.value(kActiveKey).toStringList()) {
        if (!isValidRepoId(repo)) {
            continue;
        }
        if (paused.contains(repo)) {
            Row& row = rows_[std::size_t(find(repo) ? indexOf(repo) : addRow(repo, false))];
            row.state = QStringLiteral("paused");
            row.message = tr("Paused. Resume continues where it stopped.");
        } else {
            download(repo); // resumes from the partial files
        }
    }
    for (Row& row : rows_) {
        updateFromCache(row);
    }
}

DownloadManager::~DownloadManager() {
    // Running downloads stop here, their partial files kept; remember() already listed them.
    for (Row& row : rows_) {
        if (row.job) {
            row.job->disconnect(this);
            row.job->pause();
        }
    }
}

int DownloadManager::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant DownloadManager::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(rows_.size())) {
        return {};
    }
    const Row& r = rows_[std::size_t(index.row())];
    switch (role) {
    case RepoRole:
        return r.repo;
    case RecommendedRole:
        return r.recommended;
    case StateRole:
        return r.state;
    case SizeBytesRole:
        return r.sizeBytes;
    case DoneBytesRole:
        return r.doneBytes;
    case TotalBytesRole:
        return r.totalBytes;
    case SpeedRole:
        return r.speed;
    case SecondsLeftRole:
        return r.secondsLeft;
    case MessageRole:
        return r.message;
    case DirectoryRole:
        return r.directory;
    case DetailsRole:
        return r.details;
    default:
        return {};
    }
}

QHash<int, QByteArray> DownloadManager::roleNames() const {
    return {{RepoRole, "repo"},
            {RecommendedRole, "recommended"},
            {StateRole, "downloadState"},
            {SizeBytesRole, "sizeBytes"},
            {DoneBytesRole, "doneBytes"},
            {TotalBytesRole, "totalBytes"},
            {SpeedRole, "bytesPerSecond"},
            {SecondsLeftRole, "secondsLeft"},
            {MessageRole, "message"},
            {DirectoryRole, "directory"},
            {DetailsRole, "details"}};
}

int DownloadManager::indexOf(const QString& repo) const {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].repo.compare(repo, Qt::CaseInsensitive) == 0) {
            return int(i);
        }
    }
    return -1;
}

DownloadManager::Row* DownloadManager::find(const QString& repo) {
    const int i = indexOf(repo);
    return i < 0 ? nullptr : &rows_[std::size_t(i)];
}

int DownloadManager::addRow(const QString& repo, bool recommended) {
    const int at = int(rows_.size());
    beginInsertRows({}, at, at);
    Row row;
    row.repo = repo;
    row.recommended = recommended;
    rows_.push_back(std::move(row));
    endInsertRows();
    emit countChanged();
    return at;
}

void DownloadManager::changed(const QString& repo) {
    const int i = indexOf(repo);
    if (i >= 0) {
        emit dataChanged(index(i), index(i));
    }
}

QString DownloadManager::problemWith(const QString& repo) const {
    const QString id = repo.trimmed();
    if (id.isEmpty()) {
        return tr("Type a repository as organisation/name.");
    }
    if (!isValidRepoId(id)) {
        return tr("'%1' is not a repository id: write organisation/name, e.g. "
                  "lusxvr/nanoVLM-230M-8k.")
            .arg(id);
    }
    return {};
}

void DownloadManager::updateFromCache(Row& row) {
    if (row.job) {
        return;
    }
    const HubRepoCache cache(hub_.cache, row.repo);
    const QString commit = cache.readRef("main");
    if (!commit.isEmpty() && cache.hasPointer(commit, "config.json") &&
        cache.hasPointer(commit, "model.safetensors")) {
        row.state = QStringLiteral("downloaded");
        row.directory = cache.snapshotFolder(commit);
        if (row.message.isEmpty() || row.message.startsWith(tr("Downloaded"))) {
            row.message = tr("Downloaded");
        }
    }
}

void DownloadManager::refresh() {
    for (Row& row : rows_) {
        updateFromCache(row);
        if (!row.previewAsked && !hub_.offline) {
            askPreview(row);
        }
        changed(row.repo);
    }
}

void DownloadManager::askPreview(Row& row) {
    row.previewAsked = true;
    const QString repo = row.repo;
    askHubModelPreview(
        &network_, hub_, repo, this, [this, repo](HubResult<HubModelPreview> answer) {
            Row* row = find(repo);
            if (row == nullptr) {
                return;
            }
            if (const auto* preview = std::get_if<HubModelPreview>(&answer)) {
                row->sizeBytes = double(preview->bytes);
                row->details =
                    tr("%1 · about %2M parameters · about %3 of memory")
                        .arg(preview->generation)
                        .arg(preview->parameters / 1e6, 0, 'f', preview->parameters < 1e7 ? 1 : 0)
                        .arg(sizeText(preview->memoryBytes));
            } else if (row->state == "available") {
                row->details = std::get<DownloadFailure>(answer).message;
            }
            changed(repo);
        });
}

void DownloadManager::download(const QString& repoText) {
    const QString repo = repoText.trimmed();
    if (!problemWith(repo).isEmpty()) {
        return;
    }
    Row* row = find(repo);
    if (row == nullptr) {
        row = &rows_[std::size_t(addRow(repo, false))];
        if (!hub_.offline) {
            askPreview(*row);
        }
    }
    if (row->job) {
        if (row->state == "downloading") {
            return;
        }
    } else {
        row->job = std::make_unique<SnapshotDownload>(row->repo, QStringLiteral("main"), hub_);
        SnapshotDownload* job = row->job.get();
        const QString id = row->repo;
        connect(job, &SnapshotDownload::progress, this,
                [this, id](qint64 done, qint64 total, double speed, double left, const QString&) {
                    if (Row* r = find(id)) {
                        r->doneBytes = double(done);
                        r->totalBytes = double(total);
                        r->speed = speed;
                        r->secondsLeft = left;
                        changed(id);
                    }
                });
        connect(job, &SnapshotDownload::status, this, [this, id](const QString& text) {
            if (Row* r = find(id)) {
                r->message = text;
                changed(id);
            }
        });
        connect(job, &SnapshotDownload::finished, this,
                [this, id](std::optional<DownloadFailure> failure) {
                    Row* r = find(id);
                    if (r == nullptr) {
                        return;
                    }
                    if (!failure) {
                        r->state = QStringLiteral("downloaded");
                        r->directory = r->job->result().directory;
                        r->message = tr("Downloaded");
                        r->doneBytes = r->totalBytes;
                        r->job.release()->deleteLater();
                        remember();
                        changed(id);
                        emit downloaded(id, r->directory);
                        return;
                    }
                    if (failure->kind == DownloadFailureKind::Cancelled) {
                        return; // pause() and cancel() set the state themselves
                    }
                    r->state = QStringLiteral("failed");
                    r->message = failure->message;
                    r->speed = 0;
                    r->secondsLeft = -1;
                    remember();
                    changed(id);
                });
    }
    row->state = QStringLiteral("downloading");
    row->message = tr("Starting…");
    remember();
    changed(row->repo);
    row->job->start();
}

void DownloadManager::pause(const QString& repo) {
    Row* row = find(repo);
    if (row == nullptr || !row->job || row->state != "downloading") {
        return;
    }
    row->state = QStringLiteral("paused");
    row->message = tr("Paused. Resume continues where it stopped.");
    row->speed = 0;
    row->secondsLeft = -1;
    row->job->pause();
    remember();
    changed(repo);
}

void DownloadManager::cancel(const QString& repo) {
    Row* row = find(repo);
    if (row == nullptr) {
        return;
    }
    if (!row->job) { // paused in an earlier run: no job yet to delete the partial files
        row->job = std::make_unique<SnapshotDownload>(row->repo, QStringLiteral("main"), hub_);
    }
    row->job->cancel();
    row->job.release()->deleteLater();
    row->state = QStringLiteral("available");
    row->message = tr("Cancelled; the partial download was deleted.");
    row->doneBytes = 0;
    row->speed = 0;
    row->secondsLeft = -1;
    remember();
    updateFromCache(*row);
    changed(repo);
}

void DownloadManager::remember() {
    QStringList active, paused;
    for (const Row& row : rows_) {
        if (row.state == "downloading" || row.state == "paused") {
            active.push_back(row.repo);
        }
        if (row.state == "paused") {
            paused.push_back(row.repo);
        }
    }
    QSettings settings;
    settings.setValue(kActiveKey, active);
    settings.setValue(kPausedKey, paused);
}

} // namespace nanovlm::app
