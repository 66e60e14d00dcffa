#pragma once

#include <QAbstractListModel>
#include <QImage>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QUrl>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT, QML_UNCREATABLE

#include <memory>
#include <vector>

namespace nanovlm::app {

// The pictures waiting in the composer, in the order they were added (the order the model
// reads them). Each file is decoded once, off the GUI thread, with image_loader's limits; the
// decoded pixels travel with the question to the worker. A file that cannot be read never
// becomes a row: it sets `error`, a message for the composer.
//
// Pasted pixels have no file, so they are written to a private temporary folder as PNG: the
// thumbnails and the sent message show pictures by URL.
class AttachmentModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("AttachmentModel is owned by a ChatController (ChatController.attachments)")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // True while some picture is still being decoded; a question waits for it.
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    // The last picture that could not be attached and why; "" when none.
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)

public:
    enum Roles {
        UrlRole = Qt::UserRole + 1, // "url": the picture's file URL (thumbnails)
        NameRole,                   // "name": its file name
        LoadingRole,                // "loading": still being decoded
        LastRole,
    };
    Q_ENUM(Roles)

    struct Attachment {
        QString url;
        QImage image; // RGB888
    };

    explicit AttachmentModel(QObject* parent = nullptr);
    ~AttachmentModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(items_.size()); }
    bool loading() const;
    QString error() const { return error_; }

    // Local files (drag and drop, file dialog); anything else is reported in `error`.
    Q_INVOKABLE void addUrls(const QList<QUrl>& urls);
    Q_INVOKABLE void addFile(const QString& path);
    // Pixels with no file (the clipboard).
    void addImage(const QImage& image);
    // Attaches what the clipboard holds: a picture, or picture files copied in a file manager.
    // False when it holds neither, so that the text field pastes text as usual.
    Q_INVOKABLE bool paste();
    Q_INVOKABLE void remove(int row);
    Q_INVOKABLE void clearError();
    void clear();

    // Hands over every decoded picture in order and empties the composer.
    QList<Attachment> takeAll();

signals:
    void countChanged();
    void loadingChanged();
    void errorChanged();

private:
    struct Item {
        quint64 id = 0;
        QString url;
        QString name;
        QImage image; // null while loading
        bool loading = true;
    };

    quint64 insert(const QString& url, const QString& name);
    void decoded(quint64 id, const QImage& image, const QString& error);
    void set_error(const QString& error);
    int row_of(quint64 id) const;
    QString temporary_file();

    std::vector<Item> items_;
    quint64 next_id_ = 1;
    int pasted_ = 0;
    QString error_;
    std::unique_ptr<QTemporaryDir> paste_dir_;
    // Declared last so it is destroyed first: ~QThreadPool waits for running decodes while
    // every other member is still alive.
    QThreadPool decoders_;
};

} // namespace nanovlm::app
