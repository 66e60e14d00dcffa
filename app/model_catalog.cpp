#include "model_catalog.h"

#include "model_folders.h"

#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPointer>
#include <QUrl>

namespace nanovlm::app {
namespace {

QString local_path(const QString& path_or_url) {
    const QString path = path_or_url.startsWith(QLatin1String("file:"))
                             ? QUrl(path_or_url).toLocalFile()
                             : path_or_url;
    return path.isEmpty() ? QString() : QDir::cleanPath(QDir(path).absolutePath());
}

QString text(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// Decimal units, as file managers show sizes.
QString bytes_text(std::size_t bytes) {
    const double b = double(bytes);
    if (b >= 1e9) {
        return ModelCatalog::tr("%1 GB").arg(b / 1e9, 0, 'f', 1);
    }
    if (b >= 1e6) {
        return ModelCatalog::tr("%1 MB").arg(b / 1e6, 0, 'f', 0);
    }
    return ModelCatalog::tr("%1 kB").arg(b / 1e3, 0, 'f', 0);
}

QString parameters_text(std::size_t n) {
    if (n >= 1'000'000'000) {
        return QStringLiteral("%1B").arg(double(n) / 1e9, 0, 'f', 1);
    }
    if (n >= 1'000'000) {
        return QStringLiteral("%1M").arg(double(n) / 1e6, 0, 'f', n >= 10'000'000 ? 0 : 1);
    }
    return QStringLiteral("%1K").arg(double(n) / 1e3, 0, 'f', 0);
}

QString source_label(CheckpointSource source) {
    switch (source) {
    case CheckpointSource::CommandLine:
        return ModelCatalog::tr("Opened with --model");
    case CheckpointSource::UserFolder:
        return ModelCatalog::tr("Your folder");
    case CheckpointSource::HubCache:
        return ModelCatalog::tr("Hugging Face cache");
    case CheckpointSource::BuiltIn:
        return ModelCatalog::tr("Comes with the app");
    }
    return {};
}

// What the list shows of an entry; a rescan that changes none of it leaves the view alone.
bool same_entry(const CheckpointInfo& a, const CheckpointInfo& b) {
    return a.directory == b.directory && a.name == b.name && a.source == b.source &&
           a.problem == b.problem && a.reason == b.reason && a.generation == b.generation &&
           a.parameters == b.parameters && a.file_bytes == b.file_bytes &&
           a.image_tokens == b.image_tokens && a.memory.total() == b.memory.total() &&
           a.tokenizer == b.tokenizer;
}

} // namespace

ModelCatalog::ModelCatalog(QObject* parent)
    : QAbstractListModel(parent), folders_(rememberedModelFolders(settings_)) {
    pool_.setMaxThreadCount(1);
    settle_.setSingleShot(true);
    settle_.setInterval(300);
    connect(&settle_, &QTimer::timeout, this, &ModelCatalog::rescan);
    connect(&watcher_, &QFileSystemWatcher::directoryChanged, &settle_,
            qOverload<>(&QTimer::start));
    if (auto* app = qobject_cast<QGuiApplication*>(QCoreApplication::instance())) {
        connect(app, &QGuiApplication::applicationStateChanged, this,
                [this](Qt::ApplicationState state) {
                    if (state == Qt::ApplicationActive) {
                        rescan();
                    }
                });
    }
    rescan();
}

ModelCatalog::~ModelCatalog() {
    // A scan reads headers only (well under a second); its result is dropped with us.
    pool_.waitForDone();
}

void ModelCatalog::setCommandLineFolder(const QString& folder) {
    const QString path = local_path(folder);
    if (path != command_line_) {
        command_line_ = path;
        emit commandLineFolderChanged();
        rescan();
    }
}

void ModelCatalog::set_folders(const QStringList& folders) {
    folders_ = folders;
    rememberModelFolders(settings_, folders_);
    emit foldersChanged();
    rescan();
}

void ModelCatalog::addFolder(const QString& folder) {
    const QString path = local_path(folder);
    if (!path.isEmpty() && !folders_.contains(path)) {
        set_folders(folders_ + QStringList{path});
    }
}

void ModelCatalog::removeFolder(const QString& folder) {
    QStringList folders = folders_;
    if (folders.removeAll(local_path(folder)) > 0) {
        set_folders(folders);
    }
}

void ModelCatalog::setTokenizer(const QString& directory, const QString& tokenizer) {
    const QString dir = local_path(directory);
    if (!dir.isEmpty()) {
        rememberTokenizer(settings_, dir, local_path(tokenizer));
        rescan();
    }
}

void ModelCatalog::apply_chosen_tokenizers(std::vector<CheckpointInfo>& checkpoints) const {
    for (CheckpointInfo& c : checkpoints) {
        if (c.problem != CheckpointProblem::NoTokenizer) {
            continue;
        }
        const QString file = rememberedTokenizer(settings_, QString::fromStdString(c.directory));
        if (!file.isEmpty() && QFileInfo(file).isFile()) {
            c.problem = CheckpointProblem::None;
            c.reason.clear();
            c.tokenizer = file.toStdString();
        }
    }
}

void ModelCatalog::rescan() {
    if (scanning_) {
        rescan_pending_ = true;
        return;
    }
    scanning_ = true;
    emit scanningChanged();
    const ScanRequest request = checkpointScanRequest(
        command_line_.isEmpty() ? QStringList() : QStringList{command_line_}, folders_);
    pool_.start([this, request] {
        ScanResult result = scan_checkpoints(request);
        // Queued to the GUI thread; the destructor waits for this runnable, so `this` lives.
        QMetaObject::invokeMethod(
            this, [this, result = std::move(result)]() mutable { apply(std::move(result)); },
            Qt::QueuedConnection);
    });
}

void ModelCatalog::apply(ScanResult result) {
    apply_chosen_tokenizers(result.checkpoints);
    const bool changed =
        result.checkpoints.size() != entries_.size() ||
        !std::equal(entries_.begin(), entries_.end(), result.checkpoints.begin(), same_entry);
    if (changed) {
        beginResetModel();
        entries_ = std::move(result.checkpoints);
        endResetModel();
        emit countChanged();
    }
    hub_cache_ = QString::fromStdString(result.hub_cache);

    if (!watcher_.directories().isEmpty()) {
        watcher_.removePaths(watcher_.directories());
    }
    QStringList watched;
    for (const std::string& dir : result.watched_directories) {
        watched.push_back(QString::fromStdString(dir));
    }
    watched.removeDuplicates();
    if (!watched.isEmpty()) {
        watcher_.addPaths(watched); // folders that vanished meanwhile are skipped
    }

    scanning_ = false;
    emit scanningChanged();
    emit scanned();
    if (rescan_pending_) {
        rescan_pending_ = false;
        rescan();
    }
}

int ModelCatalog::indexOf(const QString& directory) const {
    const QString path = local_path(directory);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (QString::fromStdString(entries_[i].directory) == path) {
            return int(i);
        }
    }
    return -1;
}

int ModelCatalog::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant ModelCatalog::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= count()) {
        return {};
    }
    const CheckpointInfo& c = entries_[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return QString::fromStdString(c.name);
    case DirectoryRole:
        return QString::fromStdString(c.directory);
    case SourceRole:
        return text(checkpoint_source_name(c.source));
    case SourceLabelRole:
        return source_label(c.source);
    case RevisionRole:
        return QString::fromStdString(c.revision);
    case UsableRole:
        return c.usable();
    case ProblemRole:
        return text(checkpoint_problem_name(c.problem));
    case ReasonRole:
        return QString::fromStdString(c.reason);
    case GenerationRole:
        return c.generation ? text(generation_name(*c.generation)) : QString();
    case ParametersRole:
        return double(c.parameters);
    case FileBytesRole:
        return double(c.file_bytes);
    case ImageTokensRole:
        return c.image_tokens;
    case MemoryBytesRole:
        return double(c.memory.total());
    case TokenizerRole:
        return QString::fromStdString(c.tokenizer);
    case SummaryRole: {
        QStringList parts;
        if (c.generation) {
            parts.push_back(text(generation_name(*c.generation)));
        }
        if (c.parameters > 0) {
            parts.push_back(tr("%1 parameters").arg(parameters_text(c.parameters)));
        }
        if (c.file_bytes > 0) {
            parts.push_back(bytes_text(c.file_bytes));
        }
        return parts.join(QStringLiteral(" · "));
    }
    case NeedsRole:
        if (c.image_tokens == 0) {
            return QString();
        }
        return c.memory.total() > 0 ? tr("%1 image tokens a photo · about %2 of memory")
                                          .arg(c.image_tokens)
                                          .arg(bytes_text(c.memory.total()))
                                    : tr("%1 image tokens a photo").arg(c.image_tokens);
    }
    return {};
}

QHash<int, QByteArray> ModelCatalog::roleNames() const {
    return {
        {DirectoryRole, "directory"},     {NameRole, "name"},
        {SourceRole, "source"},           {SourceLabelRole, "sourceLabel"},
        {RevisionRole, "revision"},       {UsableRole, "usable"},
        {ProblemRole, "problem"},         {ReasonRole, "reason"},
        {GenerationRole, "generation"},   {ParametersRole, "parameters"},
        {FileBytesRole, "fileBytes"},     {ImageTokensRole, "imageTokens"},
        {MemoryBytesRole, "memoryBytes"}, {TokenizerRole, "tokenizer"},
        {SummaryRole, "summary"},         {NeedsRole, "needs"},
    };
}

} // namespace nanovlm::app
