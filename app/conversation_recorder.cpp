#include "conversation_recorder.h"

#include "conversation_list.h"

#include <QUuid>

namespace nanovlm::app {
namespace {

AnswerRecord::State answer_state(AnswerResult::Ending ending) {
    switch (ending) {
    case AnswerResult::Ending::EndOfAnswer:
        return AnswerRecord::State::Done;
    case AnswerResult::Ending::Stopped:
        return AnswerRecord::State::Stopped;
    case AnswerResult::Ending::Length:
        return AnswerRecord::State::Truncated;
    case AnswerResult::Ending::ContextFull:
        return AnswerRecord::State::ContextFull;
    }
    return AnswerRecord::State::Done;
}

} // namespace

ConversationRecorder::ConversationRecorder(ConversationList* list, QObject* parent)
    : QObject(parent), list_(list) {
    save_timer_.setSingleShot(true);
    save_timer_.setInterval(kStreamingSaveIntervalMs);
    connect(&save_timer_, &QTimer::timeout, this, &ConversationRecorder::save);
    connect(list_, &ConversationList::renamed, this, &ConversationRecorder::on_renamed);
}

QList<ConversationTurn> ConversationRecorder::earlierTurns() const {
    return conversation_.turns.mid(0, std::max<qsizetype>(0, conversation_.turns.size() - 1));
}

AnswerRecord* ConversationRecorder::answer() {
    return conversation_.turns.isEmpty() ? nullptr : &conversation_.turns.last().answer;
}

void ConversationRecorder::save() {
    save_timer_.stop();
    if (conversation_.empty()) {
        return;
    }
    conversation_.updated = QDateTime::currentDateTimeUtc();
    list_->save(conversation_); // a failure is the list's warning; the chat stays here
    list_->setCurrentId(conversation_.id);
}

void ConversationRecorder::reset() {
    abandon();
    conversation_ = {};
    list_->setCurrentId({});
}

void ConversationRecorder::open(const Conversation& conversation) {
    abandon();
    conversation_ = conversation;
    list_->setCurrentId(conversation_.id);
}

void ConversationRecorder::discard() {
    save_timer_.stop();
    conversation_ = {};
    list_->setCurrentId({});
}

void ConversationRecorder::ask(const QString& question, const QStringList& image_files) {
    if (conversation_.id.isEmpty()) {
        conversation_.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        conversation_.created = QDateTime::currentDateTimeUtc();
        conversation_.title = title_from_question(question);
    }
    ConversationTurn turn;
    turn.question = question;
    turn.asked = QDateTime::currentDateTimeUtc();
    for (const QString& file : image_files) {
        // A picture that cannot be stored keeps its original path: the chat still works
        // while the file is there, and the list's warning says why.
        turn.images.push_back(list_->addImage(file).value_or(file));
    }
    conversation_.turns.push_back(std::move(turn));
}

bool ConversationRecorder::edit(int turn, const QString& question) {
    if (turn < 0 || turn >= conversation_.turns.size()) {
        return false;
    }
    abandon();
    ConversationTurn edited;
    edited.question = question;
    edited.images = conversation_.turns[turn].images;
    edited.asked = QDateTime::currentDateTimeUtc();
    return add_question_version(conversation_.turns, turn, std::move(edited));
}

void ConversationRecorder::keepAnswerVersion() {
    abandon();
    add_answer_version(conversation_.turns, int(conversation_.turns.size()) - 1);
}

bool ConversationRecorder::showVersion(int turn, VersionKind kind, int index) {
    abandon();
    if (!show_version(conversation_.turns, turn, kind, index)) {
        return false;
    }
    save();
    return true;
}

void ConversationRecorder::startAnswer(const ChatRequest& request, const ModelSummary& model) {
    AnswerRecord* a = answer();
    if (a == nullptr) {
        return;
    }
    *a = {};
    a->model_name = model.name;
    a->model_directory = model.directory;
    a->model_generation = model.generation;
    a->generation = request.generation;
    a->image_detail = request.image_detail;
    save();
}

void ConversationRecorder::appendText(const QString& delta) {
    if (AnswerRecord* a = answer(); a != nullptr && !delta.isEmpty()) {
        a->text += delta;
        if (!save_timer_.isActive()) {
            save_timer_.start();
        }
    }
}

void ConversationRecorder::finish(const AnswerResult& result) {
    AnswerRecord* a = answer();
    if (a == nullptr) {
        return;
    }
    a->state = answer_state(result.ending);
    a->ids = result.ids;
    a->prompt_read = result.prompt_tokens > 0;
    a->ttft_ms = result.ttft_ms;
    a->tokens_per_s = result.tokens_per_s;
    a->finished = QDateTime::currentDateTimeUtc();
    save();
}

void ConversationRecorder::fail(const QString& message) {
    AnswerRecord* a = answer();
    if (a == nullptr) {
        return;
    }
    a->state = AnswerRecord::State::Failed;
    a->error = message;
    a->finished = QDateTime::currentDateTimeUtc();
    save();
}

void ConversationRecorder::abandon() {
    AnswerRecord* a = answer();
    if (a != nullptr && a->state == AnswerRecord::State::Streaming) {
        // No ids: a later replay reads this answer's text instead (and its question, which the
        // session may or may not have read; the ids of the sampled tokens are not known here).
        a->state = AnswerRecord::State::Stopped;
        a->prompt_read = !a->text.isEmpty();
        a->finished = QDateTime::currentDateTimeUtc();
        save();
    }
}

void ConversationRecorder::on_renamed(const QString& id, const QString& title) {
    if (id == conversation_.id) {
        conversation_.title = title;
        conversation_.custom_title = true;
    }
}

} // namespace nanovlm::app
