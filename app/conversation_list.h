#pragma once

#include "conversation.h"
#include "conversation_store.h"

#include <QAbstractListModel>
#include <QUrl>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT, QML_UNCREATABLE

#include <optional>
#include <vector>

namespace nanovlm::app {

// The saved chats for the sidebar: newest first, filtered by `searchText`. A file that cannot
// be read is a row too (damaged, with its path and what is wrong), so nothing vanishes without
// a word, and it never stops the other chats from loading.
//
// Every write goes through here, so a failing disk (read-only folder, disk full) shows up in one
// place: `warning`, which the UI shows; the chat in memory stays as it is.
class ConversationList : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ConversationList is owned by a ChatController (ChatController.conversations)")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Chats are saved only when a folder is set (main sets the default one; tests a temporary).
    Q_PROPERTY(QString folder READ folder WRITE setFolder NOTIFY folderChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)
    Q_PROPERTY(QString warning READ warning NOTIFY warningChanged)
    // The title of the chat the last remove() deleted while undo is possible; "" otherwise.
    Q_PROPERTY(QString undoTitle READ undoTitle NOTIFY undoChanged)
    // The chat shown in the window ("" for a new, unsaved chat).
    Q_PROPERTY(QString currentId READ currentId NOTIFY currentIdChanged)
    // The Markdown file the last export wrote, until dismissed; "" otherwise.
    Q_PROPERTY(QString exportedFile READ exportedFile NOTIFY exportedFileChanged)

public:
    enum Roles {
        IdRole = Qt::UserRole + 1, // "chatId": file name without .json
        TitleRole,                 // "title"
        UpdatedRole,               // "updated": QDateTime of the last change
        TurnCountRole,             // "turnCount": questions asked
        DamagedRole,               // "damaged": the file cannot be read
        PathRole,                  // "path": the chat file
        ProblemRole,               // "problem": what is wrong with a damaged file, else ""
        CurrentRole,               // "current": shown in the window
        LastRole,
    };
    Q_ENUM(Roles)

    explicit ConversationList(QObject* parent = nullptr);
    ~ConversationList() override; // the last deletion can no longer be undone: its pictures go

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(rows_.size()); }

    QString folder() const { return store_ ? store_->folder() : QString(); }
    void setFolder(const QString& folder);
    QString searchText() const { return search_; }
    void setSearchText(const QString& text);
    QString warning() const { return warning_; }
    QString undoTitle() const { return undo_ ? undo_->entry.title : QString(); }
    QString currentId() const { return current_; }
    QString exportedFile() const { return exported_; }
    void setCurrentId(const QString& id);

    // Rereads the folder.
    Q_INVOKABLE void reload();
    Q_INVOKABLE void rename(const QString& id, const QString& title);
    // Deletes the chat's file at once, keeping its bytes so that undoRemove() can put it back
    // (until the next remove).
    Q_INVOKABLE void remove(const QString& id);
    Q_INVOKABLE void undoRemove();
    Q_INVOKABLE void dismissWarning();
    // Writes FILE.md and FILE_images/ beside it; false (and `warning`) on failure.
    Q_INVOKABLE bool exportMarkdown(const QString& id, const QUrl& file);
    // Opens the exported file's folder in the file manager; false (and `warning`) without one.
    Q_INVOKABLE bool showExportedFile();
    Q_INVOKABLE void dismissExportedFile();
    Q_INVOKABLE int rowOf(const QString& id) const;
    Q_INVOKABLE QString idAt(int row) const;

    // For the controller. Each returns false / nullopt and sets `warning` on failure; without a
    // folder they do nothing and succeed.
    bool enabled() const { return store_.has_value(); }
    // Stores first any picture that could not be stored before (its path becomes the stored
    // file's): until every picture is stored the chat is not written and the warning stays.
    bool save(Conversation& conversation);
    std::optional<QString> addImage(const QString& file);
    std::optional<Conversation> load(const QString& id);

signals:
    void countChanged();
    void folderChanged();
    void searchTextChanged();
    void warningChanged();
    void undoChanged();
    void currentIdChanged();
    void exportedFileChanged();
    // The open chat must follow these (ChatController): it holds its own copy.
    void renamed(const QString& id, const QString& title);
    void removed(const QString& id);

private:
    struct Entry {
        QString id;
        QString path;
        QString title;
        QDateTime updated;
        int turns = 0;
        bool damaged = false;
        QString problem;
        QString text; // title, questions and answers, lower case, for the search
        // The stored pictures the file names; nullopt: the file could not be read, so its
        // pictures are unknown and none may be cleaned up.
        std::optional<QSet<QString>> pictures;
    };
    struct Removed {
        Entry entry;
        QByteArray bytes;
    };

    static Entry entry_from(const ConversationStore::Loaded& loaded);
    static Entry entry_from(const Conversation& conversation, const QString& path);
    void upsert(Entry entry);
    void refresh(); // re-sorts and re-filters entries_ into rows_
    int entry_index(const QString& id) const;
    void set_warning(const QString& warning);
    void remove_unused_images() const;

    std::optional<ConversationStore> store_;
    std::vector<Entry> entries_; // every chat file
    std::vector<int> rows_;      // entries_ shown, newest first
    QString search_;
    QString warning_;
    QString current_;
    QString exported_;
    std::optional<Removed> undo_;
    // Pictures stored for a chat that has not been saved since: not yet named by any file.
    QSet<QString> unsaved_pictures_;
};

} // namespace nanovlm::app
