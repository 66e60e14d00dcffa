#include "message_model.h"

#include <QUrl>

namespace nanovlm::app {
namespace {

MessageModel::AnswerState answer_state(AnswerRecord::State state) {
    switch (state) {
    case AnswerRecord::State::Done:
    case AnswerRecord::State::Failed:
        return MessageModel::Done;
    case AnswerRecord::State::Stopped:
        return MessageModel::Stopped;
    case AnswerRecord::State::Truncated:
        return MessageModel::Truncated;
    case AnswerRecord::State::ContextFull:
        return MessageModel::ContextFull;
    case AnswerRecord::State::Streaming:
    case AnswerRecord::State::Interrupted:
        return MessageModel::Interrupted;
    }
    return MessageModel::Done;
}

} // namespace

MessageModel::Message MessageModel::fresh_of_turn(const Message& m) {
    Message fresh;
    fresh.turn = m.turn;
    fresh.version = m.version;
    fresh.version_count = m.version_count;
    return fresh;
}

MessageModel::MessageModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : count(); // a flat list: rows have no children
}

QVariant MessageModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Message& m = messages_[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return m.text;
    case KindRole:
        return m.kind;
    case ImagesRole:
        return m.images;
    case AnswerStateRole:
        return m.state;
    case StatusRole:
        return m.status;
    case ProgressRole:
        return m.progress;
    case TtftRole:
        return m.ttft_ms;
    case TokensPerSecondRole:
        return m.tokens_per_s;
    case TokenCountRole:
        return m.tokens;
    case TurnRole:
        return m.turn;
    case VersionRole:
        return m.version;
    case VersionCountRole:
        return m.version_count;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const {
    // "answerState", not "state": a delegate's `state` is Item.state.
    return {
        {KindRole, "kind"},
        {TextRole, "text"},
        {ImagesRole, "images"},
        {AnswerStateRole, "answerState"},
        {StatusRole, "status"},
        {ProgressRole, "progress"},
        {TtftRole, "ttftMs"},
        {TokensPerSecondRole, "tokensPerSecond"},
        {TokenCountRole, "tokenCount"},
        {TurnRole, "turn"},
        {VersionRole, "version"},
        {VersionCountRole, "versionCount"},
    };
}

int MessageModel::append(Message message) {
    const int row = count();
    beginInsertRows({}, row, row);
    messages_.push_back(std::move(message));
    endInsertRows();
    emit countChanged();
    return row;
}

int MessageModel::appendUser(const QString& text, const QStringList& image_urls) {
    Message m;
    m.kind = UserMessage;
    m.text = text;
    m.images = image_urls;
    return append(std::move(m));
}

int MessageModel::appendAssistant() {
    Message m;
    m.kind = AssistantMessage;
    m.state = Streaming;
    return append(std::move(m));
}

int MessageModel::appendError(const QString& message) {
    Message m;
    m.kind = ErrorMessage;
    m.text = message;
    return append(std::move(m));
}

int MessageModel::appendNotice(const QString& text) {
    Message m;
    m.kind = NoticeMessage;
    m.text = text;
    return append(std::move(m));
}

int MessageModel::appendTurn(int turn, const ConversationTurn& t) {
    QStringList urls;
    for (const QString& image : t.images) {
        urls.push_back(QUrl::fromLocalFile(image).toString());
    }
    setVersion(appendUser(t.question, urls), turn, t.question_version, t.questionVersionCount());
    const AnswerRecord& a = t.answer;
    int row = 0;
    if (a.state == AnswerRecord::State::Failed) {
        row = appendError(a.error);
    } else {
        row = appendAssistant();
        if (a.state != AnswerRecord::State::Streaming) {
            appendText(row, a.text);
            finishAnswer(row, answer_state(a.state), a.ttft_ms, a.tokens_per_s, int(a.ids.size()));
        }
    }
    setVersion(row, turn, t.answer_version, t.answerVersionCount());
    return row;
}

void MessageModel::changed(int row, const QList<int>& roles) {
    const QModelIndex i = index(row);
    emit dataChanged(i, i, roles);
}

void MessageModel::appendText(int row, const QString& delta) {
    if (!valid(row) || delta.isEmpty()) {
        return;
    }
    Message& m = messages_[std::size_t(row)];
    m.text += delta;
    if (!m.status.isEmpty()) { // the first words replace the progress line
        m.status.clear();
        m.progress = -1;
        changed(row, {TextRole, StatusRole, ProgressRole});
        return;
    }
    changed(row, {TextRole});
}

void MessageModel::setStatus(int row, const QString& status, double progress) {
    if (!valid(row)) {
        return;
    }
    Message& m = messages_[std::size_t(row)];
    if (m.status == status && m.progress == progress) {
        return;
    }
    m.status = status;
    m.progress = progress;
    changed(row, {StatusRole, ProgressRole});
}

void MessageModel::finishAnswer(int row, AnswerState state, double ttft_ms, double tokens_per_s,
                                int tokens) {
    if (!valid(row)) {
        return;
    }
    Message& m = messages_[std::size_t(row)];
    m.state = state;
    m.status.clear();
    m.progress = -1;
    m.ttft_ms = ttft_ms;
    m.tokens_per_s = tokens_per_s;
    m.tokens = tokens;
    changed(row, {AnswerStateRole, StatusRole, ProgressRole, TtftRole, TokensPerSecondRole,
                  TokenCountRole});
}

void MessageModel::restartAnswer(int row) {
    if (!valid(row)) {
        return;
    }
    Message& m = messages_[std::size_t(row)];
    m = fresh_of_turn(m);
    m.kind = AssistantMessage;
    m.state = Streaming;
    changed(row, {KindRole, TextRole, AnswerStateRole, StatusRole, ProgressRole, TtftRole,
                  TokensPerSecondRole, TokenCountRole});
}

void MessageModel::turnIntoError(int row, const QString& message) {
    if (!valid(row)) {
        return;
    }
    Message& m = messages_[std::size_t(row)];
    m = fresh_of_turn(m);
    m.kind = ErrorMessage;
    m.text = message;
    changed(row, {KindRole, TextRole, AnswerStateRole, StatusRole, ProgressRole, TtftRole,
                  TokensPerSecondRole, TokenCountRole});
}

void MessageModel::setVersion(int row, int turn, int version, int version_count) {
    if (!valid(row)) {
        return;
    }
    Message& m = messages_[std::size_t(row)];
    m.turn = turn;
    m.version = version;
    m.version_count = version_count;
    changed(row, {TurnRole, VersionRole, VersionCountRole});
}

void MessageModel::removeFrom(int row) {
    if (row < 0 || row >= count()) {
        return;
    }
    beginRemoveRows({}, row, count() - 1);
    messages_.erase(messages_.begin() + row, messages_.end());
    endRemoveRows();
    emit countChanged();
}

int MessageModel::firstRowOfTurn(int turn) const {
    for (int row = 0; row < count(); ++row) {
        if (messages_[std::size_t(row)].turn >= turn) {
            return row;
        }
    }
    return count();
}

QString MessageModel::textAt(int row) const {
    return valid(row) ? messages_[std::size_t(row)].text : QString();
}

MessageModel::Kind MessageModel::kindAt(int row) const {
    return valid(row) ? messages_[std::size_t(row)].kind : ErrorMessage;
}

void MessageModel::clear() {
    if (messages_.empty()) {
        return;
    }
    beginResetModel();
    messages_.clear();
    endResetModel();
    emit countChanged();
}

void MessageModel::remove(int row) {
    if (!valid(row)) {
        return;
    }
    beginRemoveRows({}, row, row);
    messages_.erase(messages_.begin() + row);
    endRemoveRows();
    emit countChanged();
}

} // namespace nanovlm::app
