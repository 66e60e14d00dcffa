#include "conversation_list.h"

#include "markdown_export.h"
#include "store_file.h"

#include <QDesktopServices>
#include <QFileInfo>

#include <algorithm>

namespace nanovlm::app {

ConversationList::ConversationList(QObject* parent) : QAbstractListModel(parent) {}

ConversationList::~ConversationList() {
    if (undo_) {
        undo_.reset();
        remove_unused_images();
    }
}

// From the index kept in memory, not by re-reading every chat file at each delete.
void ConversationList::remove_unused_images() const {
    if (!store_) {
        return;
    }
    QSet<QString> used = unsaved_pictures_;
    for (const Entry& e : entries_) {
        if (!e.pictures) {
            return; // a file that could not be read may name any picture: keep them all
        }
        used.unite(*e.pictures);
    }
    if (undo_) {
        used.unite(*undo_->entry.pictures);
    }
    store_->removeUnusedImages(used);
}

int ConversationList::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant ConversationList::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Entry& e = entries_[std::size_t(rows_[std::size_t(index.row())])];
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return e.title;
    case IdRole:
        return e.id;
    case UpdatedRole:
        return e.updated;
    case TurnCountRole:
        return e.turns;
    case DamagedRole:
        return e.damaged;
    case PathRole:
        return e.path;
    case ProblemRole:
        return e.problem;
    case CurrentRole:
        return !e.damaged && e.id == current_;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationList::roleNames() const {
    return {
        {IdRole, "chatId"},           {TitleRole, "title"},     {UpdatedRole, "updated"},
        {TurnCountRole, "turnCount"}, {DamagedRole, "damaged"}, {PathRole, "path"},
        {ProblemRole, "problem"},     {CurrentRole, "current"},
    };
}

void ConversationList::setFolder(const QString& folder) {
    if (folder == this->folder()) {
        return;
    }
    if (folder.isEmpty()) {
        store_.reset();
    } else {
        store_.emplace(folder);
    }
    undo_.reset();
    emit undoChanged();
    emit folderChanged();
    reload();
}

void ConversationList::setSearchText(const QString& text) {
    if (text != search_) {
        search_ = text;
        emit searchTextChanged();
        refresh();
    }
}

void ConversationList::setCurrentId(const QString& id) {
    if (id == current_) {
        return;
    }
    const QString before = current_;
    current_ = id;
    for (const QString& changed : {before, id}) {
        const int row = rowOf(changed);
        if (row >= 0) {
            emit dataChanged(index(row), index(row), {CurrentRole});
        }
    }
    emit currentIdChanged();
}

void ConversationList::set_warning(const QString& warning) {
    if (warning != warning_) {
        warning_ = warning;
        emit warningChanged();
    }
}

void ConversationList::dismissWarning() {
    set_warning({});
}

ConversationList::Entry ConversationList::entry_from(const Conversation& c, const QString& path) {
    Entry e;
    e.id = c.id;
    e.path = path;
    e.title = c.title;
    e.updated = c.updated;
    e.turns = int(c.turns.size());
    e.text = c.title.toLower();
    e.pictures.emplace();
    for (const ConversationTurn& t : c.turns) {
        e.text +=
            QLatin1Char('\n') + t.question.toLower() + QLatin1Char('\n') + t.answer.text.toLower();
        for (const QString& image : t.images) {
            e.pictures->insert(QFileInfo(image).fileName());
        }
    }
    return e;
}

ConversationList::Entry ConversationList::entry_from(const ConversationStore::Loaded& loaded) {
    if (loaded.conversation) {
        Entry e = entry_from(*loaded.conversation, loaded.path);
        e.pictures = loaded.pictures;
        return e;
    }
    const QFileInfo info(loaded.path);
    Entry e;
    e.id = info.completeBaseName();
    e.path = loaded.path;
    e.title = info.fileName();
    e.updated = info.lastModified();
    e.damaged = true;
    e.problem = loaded.error;
    e.pictures = loaded.pictures;
    e.text = e.title.toLower();
    return e;
}

void ConversationList::reload() {
    beginResetModel();
    entries_.clear();
    rows_.clear();
    if (store_) {
        for (const ConversationStore::Loaded& loaded : store_->loadAll()) {
            entries_.push_back(entry_from(loaded));
        }
    }
    endResetModel();
    refresh();
    emit countChanged();
}

void ConversationList::refresh() {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const Entry& a, const Entry& b) { return a.updated > b.updated; });
    std::vector<int> rows;
    const QString needle = search_.trimmed().toLower();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (needle.isEmpty() || entries_[i].text.contains(needle)) {
            rows.push_back(int(i));
        }
    }
    const int before = count();
    if (rows == rows_) { // same rows in the same order: only their data changed
        if (!rows_.empty()) {
            emit dataChanged(index(0), index(count() - 1));
        }
        return;
    }
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    if (count() != before) {
        emit countChanged();
    }
}

int ConversationList::entry_index(const QString& id) const {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].id == id) {
            return int(i);
        }
    }
    return -1;
}

int ConversationList::rowOf(const QString& id) const {
    const int entry = entry_index(id);
    const auto it = std::find(rows_.begin(), rows_.end(), entry);
    return entry < 0 || it == rows_.end() ? -1 : int(it - rows_.begin());
}

QString ConversationList::idAt(int row) const {
    return row >= 0 && row < count() ? entries_[std::size_t(rows_[std::size_t(row)])].id
                                     : QString();
}

void ConversationList::upsert(Entry entry) {
    const int i = entry_index(entry.id);
    if (i >= 0) {
        entries_[std::size_t(i)] = std::move(entry);
    } else {
        entries_.push_back(std::move(entry));
    }
    refresh();
}

bool ConversationList::save(Conversation& conversation) {
    if (!store_) {
        return true;
    }
    for (ConversationTurn& t : conversation.turns) {
        for (QString& image : t.images) {
            if (!store_->storedName(image).isEmpty()) {
                continue;
            }
            if (std::optional<QString> stored = addImage(image)) {
                image = *stored;
            } else {
                // addImage's warning (why the picture is not stored) stays up: a file naming
                // a picture outside the store would not read back, so nothing is written yet.
                return false;
            }
        }
    }
    QString error;
    if (!store_->save(conversation, &error)) {
        set_warning(tr("Chats cannot be saved (%1). This chat is kept until you close the app.")
                        .arg(error));
        return false;
    }
    set_warning({});
    Entry entry = entry_from(conversation, store_->pathOf(conversation.id));
    unsaved_pictures_.subtract(*entry.pictures);
    upsert(std::move(entry));
    return true;
}

std::optional<QString> ConversationList::addImage(const QString& file) {
    if (!store_) {
        return file;
    }
    QString error;
    auto stored = store_->addImage(file, &error);
    if (!stored) {
        set_warning(tr("A picture cannot be saved with the chat (%1). The chat is saved once it "
                       "can be; until then it is kept until you close the app.")
                        .arg(error));
        return stored;
    }
    unsaved_pictures_.insert(QFileInfo(*stored).fileName());
    return stored;
}

std::optional<Conversation> ConversationList::load(const QString& id) {
    const int i = entry_index(id);
    if (!store_ || i < 0) {
        return std::nullopt;
    }
    ConversationStore::Loaded loaded = store_->load(entries_[std::size_t(i)].path);
    if (!loaded.conversation) { // damaged since the list was read
        upsert(entry_from(loaded));
    }
    return loaded.conversation;
}

void ConversationList::rename(const QString& id, const QString& title) {
    const QString name = title.simplified();
    std::optional<Conversation> c = name.isEmpty() ? std::nullopt : load(id);
    if (!c) {
        return;
    }
    c->title = name;
    c->custom_title = true;
    if (save(*c)) {
        emit renamed(id, name);
    }
}

void ConversationList::remove(const QString& id) {
    const int i = entry_index(id);
    if (!store_ || i < 0) {
        return;
    }
    // Undo puts back the exact bytes; a file that cannot be read back in full (too big, not a
    // file) is deleted without undo rather than restored empty.
    const std::optional<QByteArray> bytes = read_regular_file(
        entries_[std::size_t(i)].path, ConversationStore::kMaxChatFileBytes, nullptr);
    std::optional<Removed> deleted;
    if (bytes) {
        deleted = Removed{entries_[std::size_t(i)], *bytes};
        deleted->entry.pictures = ConversationStore::picturesNamedIn(*bytes);
    }
    QString error;
    if (!store_->remove(entries_[std::size_t(i)].path, &error)) {
        set_warning(tr("The chat cannot be deleted (%1).").arg(error));
        return;
    }
    beginResetModel(); // the indices into entries_ move
    entries_.erase(entries_.begin() + i);
    rows_.clear();
    endResetModel();
    refresh();
    emit countChanged();
    undo_ = std::move(deleted); // the deletion before this one can no longer be undone
    remove_unused_images();
    emit undoChanged();
    emit removed(id);
}

void ConversationList::undoRemove() {
    if (!undo_ || !store_) {
        return;
    }
    QString error;
    if (!store_->restore(undo_->entry.path, undo_->bytes, &error)) {
        set_warning(tr("The chat cannot be restored (%1).").arg(error));
        return;
    }
    const Entry entry = undo_->entry;
    undo_.reset();
    emit undoChanged();
    upsert(entry);
}

bool ConversationList::exportMarkdown(const QString& id, const QUrl& file) {
    const std::optional<Conversation> c = load(id);
    QString error = tr("the chat cannot be read");
    const std::optional<QString> written =
        c ? export_markdown(*c, file.isLocalFile() ? file.toLocalFile() : file.toString(), &error)
          : std::nullopt;
    if (!written) {
        set_warning(tr("Export failed: %1").arg(error));
        return false;
    }
    exported_ = *written;
    emit exportedFileChanged();
    return true;
}

bool ConversationList::showExportedFile() {
    const QString folder = QFileInfo(exported_).absolutePath();
    if (exported_.isEmpty() || !QDesktopServices::openUrl(QUrl::fromLocalFile(folder))) {
        set_warning(tr("No file manager could show %1.").arg(folder));
        return false;
    }
    return true;
}

void ConversationList::dismissExportedFile() {
    if (!exported_.isEmpty()) {
        exported_.clear();
        emit exportedFileChanged();
    }
}

} // namespace nanovlm::app
