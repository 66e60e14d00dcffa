#pragma once

#include "hub_endpoint.h"
#include "snapshot_download.h"

#include <QAbstractListModel>
#include <QNetworkAccessManager>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT

#include <memory>
#include <vector>

namespace nanovlm::app {

// The model picker's "Download" list: the published nanoVLM checkpoints (the recommended one
// first) and any org/name the user typed, each with its size asked from the Hub, whether it is
// already in the cache, and a SnapshotDownload while one runs. Downloads run in the
// background while the user chats; those not finished are remembered (QSettings) and resumed
// from their partial files when the app starts again.
class DownloadManager : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(bool offline READ offline CONSTANT)

public:
    enum Roles {
        RepoRole = Qt::UserRole + 1, // "repo": org/name
        RecommendedRole,             // "recommended"
        StateRole, // "downloadState": "available", "downloading", "paused", "failed", "downloaded"
        SizeBytesRole,   // "sizeBytes" (double): to download, from the Hub; -1 unknown
        DoneBytesRole,   // "doneBytes" (double)
        TotalBytesRole,  // "totalBytes" (double): of this download, with its tokenizer
        SpeedRole,       // "bytesPerSecond" (double)
        SecondsLeftRole, // "secondsLeft" (double): -1 unknown
        MessageRole,     // "message": what it is doing, or why it stopped
        DirectoryRole,   // "directory": the snapshot, once downloaded
        DetailsRole,     // "details": "main · about 222M parameters · about 1.4 GB of memory"
    };
    Q_ENUM(Roles)

    explicit DownloadManager(QObject* parent = nullptr);
    ~DownloadManager() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(rows_.size()); }
    bool offline() const { return hub_.offline; }

    // "" when `repo` can be downloaded; else why not, for a person.
    Q_INVOKABLE QString problemWith(const QString& repo) const;
    // Starts (or resumes) `repo`, adding it to the list when it is not there.
    Q_INVOKABLE void download(const QString& repo);
    Q_INVOKABLE void pause(const QString& repo);
    Q_INVOKABLE void cancel(const QString& repo);
    // Which are in the cache now, and the sizes not yet known (asked once each, when the
    // picker first shows: nothing is asked of the Hub before).
    Q_INVOKABLE void refresh();
    Q_INVOKABLE int indexOf(const QString& repo) const;

    // The published checkpoints, the recommended one first.
    static QStringList publishedRepos();

signals:
    void countChanged();
    void downloaded(const QString& repo, const QString& directory);

private:
    struct Row {
        QString repo;
        bool recommended = false;
        QString state = QStringLiteral("available");
        double sizeBytes = -1, doneBytes = 0, totalBytes = 0, speed = 0, secondsLeft = -1;
        QString message, directory, details;
        bool previewAsked = false;
        std::unique_ptr<SnapshotDownload> job;
    };

    Row* find(const QString& repo);
    int addRow(const QString& repo, bool recommended);
    void changed(const QString& repo);
    void updateFromCache(Row& row);
    void askPreview(Row& row);
    void remember();

    HubEndpoint hub_;
    QNetworkAccessManager network_;
    std::vector<Row> rows_;
};

} // namespace nanovlm::app
