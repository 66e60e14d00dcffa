#include "attachment_model.h"

#include "image_loader.h"

#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMimeData>

namespace nanovlm::app {

AttachmentModel::AttachmentModel(QObject* parent) : QAbstractListModel(parent) {
    // Two decoders at most: a dropped folder of photos must not take every core from a running
    // answer.
    decoders_.setMaxThreadCount(2);
}

AttachmentModel::~AttachmentModel() {
    decoders_.clear();       // drop decodes that have not started
    decoders_.waitForDone(); // finish those that have; they post to `this`
}

int AttachmentModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant AttachmentModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Item& item = items_[std::size_t(index.row())];
    switch (role) {
    case UrlRole:
        return item.url;
    case Qt::DisplayRole:
    case NameRole:
        return item.name;
    case LoadingRole:
        return item.loading;
    default:
        return {};
    }
}

QHash<int, QByteArray> AttachmentModel::roleNames() const {
    return {{UrlRole, "url"}, {NameRole, "name"}, {LoadingRole, "loading"}};
}

bool AttachmentModel::loading() const {
    return std::any_of(items_.begin(), items_.end(), [](const Item& i) { return i.loading; });
}

int AttachmentModel::row_of(quint64 id) const {
    for (std::size_t i = 0; i < items_.size(); ++i) {
        if (items_[i].id == id) {
            return int(i);
        }
    }
    return -1;
}

quint64 AttachmentModel::insert(const QString& url, const QString& name) {
    const bool was_loading = loading();
    const int row = count();
    beginInsertRows({}, row, row);
    Item item;
    item.id = next_id_++;
    item.url = url;
    item.name = name;
    items_.push_back(std::move(item));
    endInsertRows();
    emit countChanged();
    if (!was_loading) {
        emit loadingChanged();
    }
    return items_.back().id;
}

void AttachmentModel::addUrls(const QList<QUrl>& urls) {
    for (const QUrl& url : urls) {
        if (!url.isLocalFile()) {
            set_error(tr("%1 is not a file on this computer; save it first, then attach it.")
                          .arg(url.toDisplayString()));
            continue;
        }
        addFile(url.toLocalFile());
    }
}

void AttachmentModel::addFile(const QString& path) {
    const QFileInfo info(path);
    const quint64 id =
        insert(QUrl::fromLocalFile(info.absoluteFilePath()).toString(), info.fileName());
    decoders_.start([this, id, path] {
        QString error;
        const std::optional<QImage> image = read_image(path, &error);
        const QImage pixels = image ? *image : QImage();
        QMetaObject::invokeMethod(
            this, [this, id, pixels, error] { decoded(id, pixels, error); }, Qt::QueuedConnection);
    });
}

void AttachmentModel::addImage(const QImage& image) {
    if (image.isNull()) {
        set_error(tr("The clipboard picture is empty."));
        return;
    }
    if (qint64(image.width()) * image.height() > kMaxImagePixels) {
        set_error(tr("The pasted picture is %1 x %2 pixels; the largest nanovlm reads is %3 "
                     "megapixels.")
                      .arg(image.width())
                      .arg(image.height())
                      .arg(kMaxImagePixels / 1'000'000));
        return;
    }
    const QString path = temporary_file();
    if (path.isEmpty()) {
        set_error(tr("Cannot store the pasted picture: no temporary folder is writable."));
        return;
    }
    const quint64 id = insert(QUrl::fromLocalFile(path).toString(), tr("Pasted image"));
    decoders_.start([this, id, path, image] {
        // Encoding a large screenshot as PNG takes long enough to be felt on the GUI thread.
        const bool saved = image.save(path, "PNG");
        const QImage pixels = image.convertToFormat(QImage::Format_RGB888);
        const QString error =
            saved ? QString() : tr("Cannot store the pasted picture in %1").arg(path);
        QMetaObject::invokeMethod(
            this,
            [this, id, pixels, error] { decoded(id, error.isEmpty() ? pixels : QImage(), error); },
            Qt::QueuedConnection);
    });
}

bool AttachmentModel::paste() {
    const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
    if (mime == nullptr) {
        return false;
    }
    if (mime->hasUrls()) {
        QList<QUrl> files;
        for (const QUrl& url : mime->urls()) {
            if (url.isLocalFile()) {
                files.push_back(url);
            }
        }
        if (!files.isEmpty()) {
            addUrls(files);
            return true;
        }
    }
    if (mime->hasImage()) {
        addImage(qvariant_cast<QImage>(mime->imageData()));
        return true;
    }
    return false;
}

QString AttachmentModel::temporary_file() {
    if (!paste_dir_) {
        paste_dir_ = std::make_unique<QTemporaryDir>();
    }
    if (!paste_dir_->isValid()) {
        return {};
    }
    return paste_dir_->filePath(QStringLiteral("pasted-%1.png").arg(++pasted_));
}

void AttachmentModel::decoded(quint64 id, const QImage& image, const QString& error) {
    const int row = row_of(id);
    if (row < 0) {
        return; // removed while it was being decoded
    }
    if (image.isNull()) {
        remove(row);
        set_error(error);
        return;
    }
    items_[std::size_t(row)].image = image;
    items_[std::size_t(row)].loading = false;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {LoadingRole});
    if (!loading()) {
        emit loadingChanged();
    }
}

void AttachmentModel::remove(int row) {
    if (row < 0 || row >= count()) {
        return;
    }
    const bool was_loading = loading();
    beginRemoveRows({}, row, row);
    items_.erase(items_.begin() + row);
    endRemoveRows();
    emit countChanged();
    if (was_loading != loading()) {
        emit loadingChanged();
    }
}

void AttachmentModel::set_error(const QString& error) {
    if (error_ != error) {
        error_ = error;
        emit errorChanged();
    }
}

void AttachmentModel::clearError() {
    set_error({});
}

void AttachmentModel::clear() {
    if (items_.empty()) {
        return;
    }
    const bool was_loading = loading();
    beginResetModel();
    items_.clear();
    endResetModel();
    emit countChanged();
    if (was_loading) {
        emit loadingChanged();
    }
}

QList<AttachmentModel::Attachment> AttachmentModel::takeAll() {
    QList<Attachment> out;
    for (const Item& item : items_) {
        if (!item.loading) {
            out.push_back({item.url, item.image});
        }
    }
    clear();
    return out;
}

} // namespace nanovlm::app
