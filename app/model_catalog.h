#pragma once

#include "nanovlm/checkpoint_scanner.h"

#include <QAbstractListModel>
#include <QFileSystemWatcher>
#include <QSettings>
#include <QThreadPool>
#include <QTimer>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT

#include <vector>

namespace nanovlm::app {

// The model picker's list: every nanoVLM checkpoint in the folders the user added (remembered in
// QSettings), the Hugging Face cache and the --model folder, each checked by
// nanovlm::scan_checkpoints (config.json and safetensors headers only, never the weights).
//
// The scan runs on a pool thread and its result replaces the list on the GUI thread. It runs
// again when a watched folder changes (QFileSystemWatcher: a download finishing, a folder
// deleted) and when the application becomes active again (the user may have downloaded one in
// a terminal meanwhile).
class ModelCatalog : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Folders the user added: each a checkpoint or a folder of checkpoints.
    Q_PROPERTY(QStringList folders READ folders NOTIFY foldersChanged)
    // The --model folder, listed first (not remembered).
    Q_PROPERTY(QString commandLineFolder READ commandLineFolder WRITE setCommandLineFolder NOTIFY
                   commandLineFolderChanged)
    Q_PROPERTY(QString hubCache READ hubCache NOTIFY scanned)
    Q_PROPERTY(bool scanning READ scanning NOTIFY scanningChanged)

public:
    // The roles a delegate reads (QML names in quotes).
    enum Roles {
        DirectoryRole = Qt::UserRole + 1, // "directory"
        NameRole,                         // "name": org/name for cache entries, else folder name
        SourceRole,                       // "source": "command_line", "folder" or "hf_cache"
        SourceLabelRole, // "sourceLabel": "Hugging Face cache", "Your folder", "--model"
        RevisionRole,    // "revision": cache snapshot, else ""
        UsableRole,      // "usable"
        ProblemRole,     // "problem": checkpoint_problem_name, "" when usable
        ReasonRole,      // "reason": for a person, "" when usable
        GenerationRole,  // "generation": "v0.1", "v0.2", "main" or ""
        ParametersRole,  // "parameters" (double: may exceed int)
        FileBytesRole,   // "fileBytes" (double)
        ImageTokensRole, // "imageTokens": for a typical photo at the model's own detail
        MemoryBytesRole, // "memoryBytes" (double): estimated RAM while running
        TokenizerRole,   // "tokenizer": path of the tokenizer.json found, or ""
        SummaryRole,     // "summary": "main · 230M parameters · 877 MiB"
        NeedsRole,       // "needs": "832 image tokens a photo · about 1.4 GB of memory"
    };
    Q_ENUM(Roles)

    explicit ModelCatalog(QObject* parent = nullptr);
    ~ModelCatalog() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(entries_.size()); }
    QStringList folders() const { return folders_; }
    QString commandLineFolder() const { return command_line_; }
    void setCommandLineFolder(const QString& folder);
    QString hubCache() const { return hub_cache_; }
    bool scanning() const { return scanning_; }
    const std::vector<CheckpointInfo>& entries() const { return entries_; }

    // A folder path or file:// URL; remembered, then scanned. Adding one twice does nothing.
    Q_INVOKABLE void addFolder(const QString& folder);
    Q_INVOKABLE void removeFolder(const QString& folder);
    // Remembers `tokenizer` (path or file:// URL) for the checkpoint in `directory`, which
    // then counts as usable with it when it had no tokenizer of its own; scans again.
    Q_INVOKABLE void setTokenizer(const QString& directory, const QString& tokenizer);
    // Scans again off the GUI thread; while one runs, another follows it.
    Q_INVOKABLE void rescan();
    // The row of the checkpoint in `directory`, or -1.
    Q_INVOKABLE int indexOf(const QString& directory) const;

signals:
    void countChanged();
    void foldersChanged();
    void commandLineFolderChanged();
    void scanningChanged();
    void scanned(); // a scan finished and the list shows its result

private:
    void apply(ScanResult result);
    void set_folders(const QStringList& folders);
    void apply_chosen_tokenizers(std::vector<CheckpointInfo>& checkpoints) const;

    QSettings settings_;
    QStringList folders_;
    QString command_line_;
    QString hub_cache_;
    std::vector<CheckpointInfo> entries_;

    QThreadPool pool_; // one thread: scans never overlap
    bool scanning_ = false;
    bool rescan_pending_ = false;
    QFileSystemWatcher watcher_;
    QTimer settle_; // folder changes come in bursts (a download writes many files)
};

} // namespace nanovlm::app
