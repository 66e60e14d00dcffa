#pragma once

#include "conversation.h"

#include <QAbstractListModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT, QML_UNCREATABLE

#include <vector>

namespace nanovlm::app {

// The messages of one chat, for the chat view. Lives on the GUI thread and is changed only
// there (ChatController applies the worker's queued deltas): no locks, and views see every
// change as a normal model signal.
//
// Streaming is cheap on purpose: appendText() emits dataChanged for that one row and TextRole
// only, so a view re-lays-out one message per delta and nothing is re-sent per token.
class MessageModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("MessageModel is owned by a ChatController (ChatController.messages)")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    // Who wrote a message.
    enum Kind {
        UserMessage,      // the question, with its pictures
        AssistantMessage, // the model's answer
        ErrorMessage,     // what went wrong, written for a person (engine errors)
        NoticeMessage,    // a note from the app in the flow of the chat (model switched)
    };
    Q_ENUM(Kind)

    // Where an answer is. Only AssistantMessage rows use anything but Done.
    enum AnswerState {
        Streaming,   // tokens are still coming
        Done,        // the model ended its answer
        Stopped,     // the user stopped it; what was written stays
        Truncated,   // the "max new tokens" limit cut it
        ContextFull, // the conversation filled the model's context
        Interrupted, // the app ended while it was written (a reopened chat)
    };
    Q_ENUM(AnswerState)

    // The roles a delegate reads (QML names in quotes).
    enum Roles {
        KindRole = Qt::UserRole + 1, // "kind": Kind
        TextRole,                    // "text": message text (Markdown for answers)
        ImagesRole,                  // "images": QStringList of image file URLs, in order
        AnswerStateRole,             // "answerState": AnswerState
        StatusRole,          // "status": what the worker does before the first token, else ""
        ProgressRole,        // "progress": that stage's fraction in [0, 1], or -1 if unknown
        TtftRole,            // "ttftMs": time to first token in ms, or -1 (no answer yet)
        TokensPerSecondRole, // "tokensPerSecond": decode speed after the first token
        TokenCountRole,      // "tokenCount": tokens the answer used
        // The chat turn a question or answer row belongs to (-1: a row of no turn, a notice),
        // and which of that question's or answer's versions it shows (conversation_branches.h):
        TurnRole,         // "turn": index in the shown path of the chat
        VersionRole,      // "version": 0-based
        VersionCountRole, // "versionCount": 1 when there is no other version
        LastRole,
    };
    Q_ENUM(Roles)

    explicit MessageModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(messages_.size()); }

    // Each returns the new row.
    int appendUser(const QString& text, const QStringList& image_urls);
    int appendAssistant(); // an empty answer in state Streaming
    int appendError(const QString& message);
    int appendNotice(const QString& text);
    // A saved turn: its question, then its answer (or error), both marked with `turn` and their
    // versions. An answer still waiting for its first word is appended empty, Streaming.
    // Returns the answer's row.
    int appendTurn(int turn, const ConversationTurn& t);

    // Changes to one answer row; each emits dataChanged for the roles it touches only.
    void appendText(int row, const QString& delta);
    void setStatus(int row, const QString& status, double progress);
    void finishAnswer(int row, AnswerState state, double ttft_ms, double tokens_per_s, int tokens);
    void restartAnswer(int row); // regenerate: empty text, Streaming, no stats
    void turnIntoError(int row, const QString& message);
    void setVersion(int row, int turn, int version, int version_count);
    // Removes `row` and every row after it (a turn edited or another version shown).
    void removeFrom(int row);
    // The first row of chat turn `turn` or of a later one; count() when there is none.
    int firstRowOfTurn(int turn) const;

    Q_INVOKABLE QString textAt(int row) const;
    Kind kindAt(int row) const;
    void clear();
    void remove(int row); // a message that no longer holds (a load error since fixed)

signals:
    void countChanged();

private:
    struct Message {
        Kind kind = AssistantMessage;
        QString text;
        QStringList images;
        AnswerState state = Done;
        QString status;
        double progress = -1;
        double ttft_ms = -1;
        double tokens_per_s = 0;
        int tokens = 0;
        int turn = -1;
        int version = 0;
        int version_count = 1;
    };

    // An empty message in the same turn and version (an answer restarted or turned into an error).
    static Message fresh_of_turn(const Message& m);
    int append(Message message);
    bool valid(int row) const { return row >= 0 && row < count(); }
    void changed(int row, const QList<int>& roles);

    std::vector<Message> messages_;
};

} // namespace nanovlm::app
