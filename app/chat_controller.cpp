#include "chat_controller.h"

#include "image_loader.h"
#include "image_tiling.h"
#include "inference_worker.h"
#include "remote_chat_backend.h"
#include "server_address.h"

#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <utility>

namespace nanovlm::app {
namespace {

QString local_path(const QString& path_or_url) {
    if (path_or_url.startsWith(QLatin1String("file:"))) {
        return QUrl(path_or_url).toLocalFile();
    }
    return path_or_url.isEmpty() ? QString() : QDir::cleanPath(path_or_url);
}

QString parameter_count(qint64 n) {
    if (n >= 1'000'000'000) {
        return QStringLiteral("%1B").arg(double(n) / 1e9, 0, 'f', 1);
    }
    if (n >= 1'000'000) {
        return QStringLiteral("%1M").arg(double(n) / 1e6, 0, 'f', n >= 10'000'000 ? 0 : 1);
    }
    return QStringLiteral("%1K").arg(double(n) / 1e3, 0, 'f', 0);
}

MessageModel::AnswerState answer_state(AnswerResult::Ending ending) {
    switch (ending) {
    case AnswerResult::Ending::EndOfAnswer:
        return MessageModel::Done;
    case AnswerResult::Ending::Stopped:
        return MessageModel::Stopped;
    case AnswerResult::Ending::Length:
        return MessageModel::Truncated;
    case AnswerResult::Ending::ContextFull:
        return MessageModel::ContextFull;
    }
    return MessageModel::Done;
}

} // namespace

ChatController::ChatController(QObject* parent)
    : QObject(parent), messages_(this), attachments_(this), settings_(this), conversations_(this),
      recorder_(&conversations_, this), worker_(new InferenceWorker),
      remote_(new RemoteChatBackend(this)), backend_(worker_), loading_(worker_) {
    thread_.setObjectName(QStringLiteral("nanovlm inference"));
    worker_->moveToThread(&thread_);
    // The documented QThread idiom: the worker is deleted on its own thread as it ends.
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);

    // Worker → GUI: queued (different threads), delivered in order. The server backend's
    // signals take the same way; only the backend whose load came last decides the model.
    for (AnswerBackend* backend :
         {static_cast<AnswerBackend*>(worker_), static_cast<AnswerBackend*>(remote_)}) {
        connect(backend, &AnswerBackend::modelLoadProgress, this, [this, backend](double f) {
            if (backend == loading_) {
                load_progress_ = f;
                emit loadProgressChanged();
            }
        });
        connect(backend, &AnswerBackend::modelLoaded, this,
                [this, backend](const ModelSummary& s) { on_model_loaded(backend, s); });
        connect(backend, &AnswerBackend::modelFailed, this,
                [this, backend](const QString& message) { on_model_failed(backend, message); });
        connect(backend, &AnswerBackend::progress, this, &ChatController::on_progress);
        connect(backend, &AnswerBackend::textDelta, this, &ChatController::on_delta);
        connect(backend, &AnswerBackend::answerFinished, this, &ChatController::on_finished);
        connect(backend, &AnswerBackend::answerFailed, this, &ChatController::on_failed);
    }

    status_timer_.setInterval(100);
    connect(&status_timer_, &QTimer::timeout, this, &ChatController::update_status);
    connect(&messages_, &MessageModel::countChanged, this, &ChatController::canRegenerateChanged);
    connect(&conversations_, &ConversationList::removed, this, [this](const QString& id) {
        if (id == recorder_.conversation().id) {
            recorder_.discard(); // nothing of the deleted chat may be written again
            newChat();
        }
    });
    thread_.start();
}

ChatController::~ChatController() {
    if (busy()) {
        recorder_.abandon(); // the answer so far is saved, marked stopped
    }
    remote_->stopAll();
    worker_->stopAll(); // the running answer ends within a token or a ViT block
    thread_.quit();     // queued requests are dropped with the event loop
    thread_.wait();
}

QString ChatController::modelDetails() const {
    if (model_state_ != Ready) {
        return {};
    }
    if (!model_.server.isEmpty()) {
        return tr("Answers from the server %1").arg(model_.server);
    }
    return tr("%1 · %2 parameters").arg(model_.generation, parameter_count(model_.parameters));
}

bool ChatController::canRegenerate() const {
    const int last = messages_.count() - 1;
    return !busy() && model_state_ == Ready && last >= 0 &&
           messages_.kindAt(last) == MessageModel::AssistantMessage;
}

void ChatController::setStepDelay(int milliseconds) {
    if (step_delay_ != milliseconds) {
        step_delay_ = milliseconds;
        worker_->setStepDelay(milliseconds);
        emit stepDelayChanged();
    }
}

void ChatController::set_model_state(ModelState state) {
    model_state_ = state;
    emit modelChanged();
    emit canRegenerateChanged();
}

void ChatController::loadModel(const QString& directory, const QString& tokenizer) {
    const std::optional<ServerAddress> server = parse_server_address(directory);
    const QString dir = server ? directory : local_path(directory);
    if (dir.isEmpty()) {
        return;
    }
    stop(); // the old answer cannot go on with another model's session
    // The worker drops the old session once the new model loaded; the chat on screen stays.
    switching_mid_chat_ = messages_.count() > 0;
    if (model_state_ == Ready) {
        working_ = WorkingModel{model_, demo_};
    }
    model_ = {};
    model_.directory = dir;
    model_.name = server ? server_label(*server)
                         : QString::fromStdString(checkpoint_display_name(dir.toStdString()));
    model_error_.clear();
    pending_tokenizer_ = server ? QString() : local_path(tokenizer);
    load_progress_ = 0;
    loading_ = server ? static_cast<AnswerBackend*>(remote_) : worker_;
    ++pending_loads_[loading_];
    emit loadProgressChanged();
    set_model_state(Loading);
    QMetaObject::invokeMethod(
        loading_, [b = loading_, dir, file = pending_tokenizer_] { b->loadModel(dir, file); },
        Qt::QueuedConnection);
}

QVariantList ChatController::demoExamples() const {
    QVariantList examples;
    if (demo_) {
        for (const DemoExample& example : demo_->examples) {
            examples.push_back(QVariantMap{
                {QStringLiteral("image"), QUrl::fromLocalFile(example.image)},
                {QStringLiteral("question"), example.question},
                {QStringLiteral("answer"), example.answer},
            });
        }
    }
    return examples;
}

QString ChatController::builtInDemoDirectory() const {
    return built_in_demo_directory();
}

void ChatController::on_model_loaded(AnswerBackend* backend, const ModelSummary& summary) {
    if (--pending_loads_[backend] > 0 || backend != loading_) {
        return; // another model was chosen meanwhile; its result decides
    }
    backend_ = backend;
    working_.reset();
    for (auto row = load_error_rows_.crbegin(); row != load_error_rows_.crend(); ++row) {
        if (messages_.kindAt(*row) == MessageModel::ErrorMessage) {
            messages_.remove(*row);
        }
    }
    load_error_rows_.clear();
    model_ = summary;
    demo_ = read_demo_info(summary.directory);
    if (demo_) {
        model_.name = demo_->name;
    }
    settings_.setLastModel(summary.directory);
    settings_.setLastTokenizer(pending_tokenizer_);
    set_model_state(Ready);
    if (switching_mid_chat_) {
        switching_mid_chat_ = false;
        messages_.appendNotice(tr("Switched to %1: follow-up questions use this model, which "
                                  "first reads the conversation above again, pictures included.")
                                   .arg(summary.name));
    }
    emit modelReady();
}

void ChatController::on_model_failed(AnswerBackend* backend, const QString& message) {
    if (--pending_loads_[backend] > 0 || backend != loading_) {
        return;
    }
    model_error_ = message;
    if (working_) { // the worker still has it: the chat goes on with it
        const QString failed = model_.name;
        model_ = working_->model;
        demo_ = std::move(working_->demo);
        working_.reset();
        switching_mid_chat_ = false;
        set_model_state(Ready);
        load_error_rows_.push_back(messages_.appendError(
            tr("Could not load %1, so %2 stays in use.\n\n%3").arg(failed, model_.name, message)));
        return;
    }
    set_model_state(Failed);
    load_error_rows_.push_back(messages_.appendError(message));
}

bool ChatController::send(const QString& question) {
    const QString text = question.trimmed();
    if (busy() || model_state_ != Ready || attachments_.loading() || text.isEmpty()) {
        return false;
    }
    const QList<AttachmentModel::Attachment> attached = attachments_.takeAll();
    attachments_.clearError();
    QStringList urls;
    last_images_.clear();
    for (const auto& a : attached) {
        urls.push_back(a.url);
        last_images_.push_back(a.image);
    }
    last_question_ = text;
    attempt_ = 0;
    QStringList files;
    for (const QString& url : urls) {
        files.push_back(local_path(url));
    }
    recorder_.ask(text, files);
    const int turn = int(recorder_.conversation().turns.size()) - 1;
    messages_.setVersion(messages_.appendUser(text, urls), turn, 0, 1);
    const int row = messages_.appendAssistant();
    messages_.setVersion(row, turn, 0, 1);

    ChatRequest request;
    request.question = text;
    request.images = last_images_;
    start(std::move(request), row);
    return true;
}

void ChatController::regenerate() {
    if (!canRegenerate()) {
        return;
    }
    const int row = messages_.count() - 1;
    const QList<ConversationTurn>& turns = recorder_.conversation().turns;
    if (!turns.isEmpty() && !turns.last().answer.text.isEmpty()) {
        recorder_.keepAnswerVersion(); // an answer with no word is not worth a version
    }
    messages_.restartAnswer(row);
    if (!turns.isEmpty()) {
        messages_.setVersion(row, int(turns.size()) - 1, turns.last().answer_version,
                             turns.last().answerVersionCount());
    }
    ++attempt_;
    ChatRequest request;
    request.regenerate = true;
    request.question = last_question_;
    request.images = last_images_;
    start(std::move(request), row);
}

bool ChatController::editQuestion(int turn, const QString& question) {
    const QString text = question.trimmed();
    if (busy() || model_state_ != Ready || text.isEmpty() || !recorder_.edit(turn, text)) {
        return false;
    }
    unchanged_turns_ = std::min(unchanged_turns_, turn);
    show_from(turn); // the earlier turns stay; the edited one is appended below
    remember_last_turn();
    append_turn(turn);
    attempt_ = 0;
    ChatRequest request;
    request.question = last_question_;
    request.images = last_images_;
    start(std::move(request), messages_.count() - 1);
    return true;
}

bool ChatController::showVersion(int turn, bool answer, int index) {
    if (busy() ||
        !recorder_.showVersion(turn, answer ? VersionKind::Answer : VersionKind::Question, index)) {
        return false;
    }
    unchanged_turns_ = std::min(unchanged_turns_, turn);
    show_from(turn);
    remember_last_turn();
    attempt_ = 0;
    emit canRegenerateChanged();
    return true;
}

void ChatController::start(ChatRequest request, int row) {
    request.id = next_request_++;
    request.generation = settings_.generationOptions(attempt_);
    request.threads = settings_.threads();
    request.image_detail = settings_.imageDetail();
    request.conversation = recorder_.conversation().id;
    request.history = recorder_.earlierTurns();
    request.unchanged_turns = std::exchange(unchanged_turns_, std::numeric_limits<int>::max());
    recorder_.startAnswer(request, model_);

    active_request_ = request.id;
    active_row_ = row;
    saw_text_ = false;
    progress_ = {};
    progress_.stage = request.images.isEmpty() || request.regenerate
                          ? WorkProgress::Stage::ReadingPrompt
                          : WorkProgress::Stage::PreparingImages;
    progress_.image_count = int(request.images.size());
    active_clock_.start();
    encoding_ = {};
    update_status();
    status_timer_.start();
    emit busyChanged();
    emit canRegenerateChanged();
    QMetaObject::invokeMethod(
        backend_, [b = backend_, request] { b->answer(request); }, Qt::QueuedConnection);
}

void ChatController::stop() {
    if (busy()) {
        backend_->stop(active_request_); // thread-safe; the worker is busy, so not queued
    }
}

void ChatController::abandon_active() {
    if (busy()) {
        // Let the old answer end on its own; its late signals no longer match a request.
        backend_->stop(active_request_);
        recorder_.abandon();
        finish_active();
    }
}

void ChatController::newChat() {
    abandon_active();
    recorder_.reset();
    messages_.clear();
    load_error_rows_.clear();
    last_question_.clear();
    last_images_.clear();
    attempt_ = 0;
    QMetaObject::invokeMethod(
        backend_, [b = backend_] { b->resetConversation(); }, Qt::QueuedConnection);
    emit canRegenerateChanged();
}

bool ChatController::openConversation(const QString& id) {
    if (!id.isEmpty() && id == recorder_.conversation().id) {
        return true; // already shown; its live session stays
    }
    const std::optional<Conversation> conversation = conversations_.load(id);
    if (!conversation) {
        return false;
    }
    abandon_active();
    recorder_.open(*conversation);
    show(*conversation);
    // The old chat's cache is of no use; the next question rebuilds this one's.
    QMetaObject::invokeMethod(
        backend_, [b = backend_] { b->resetConversation(); }, Qt::QueuedConnection);
    emit canRegenerateChanged();
    return true;
}

void ChatController::show(const Conversation& conversation) {
    messages_.clear();
    load_error_rows_.clear();
    attempt_ = 0;
    for (int turn = 0; turn < conversation.turns.size(); ++turn) {
        append_turn(turn);
    }
    remember_last_turn();
}

void ChatController::show_from(int turn) {
    const int first = messages_.firstRowOfTurn(turn);
    messages_.removeFrom(first);
    load_error_rows_.removeIf([first](int row) { return row >= first; });
    const QList<ConversationTurn>& turns = recorder_.conversation().turns;
    // The last turn is left out when it waits for its answer: the caller appends it.
    for (int t = turn; t < turns.size(); ++t) {
        if (t + 1 < turns.size() || turns[t].answer.state != AnswerRecord::State::Streaming) {
            append_turn(t);
        }
    }
}

void ChatController::append_turn(int turn) {
    messages_.appendTurn(turn, recorder_.conversation().turns[turn]);
}

void ChatController::remember_last_turn() {
    last_question_.clear();
    last_images_.clear();
    const QList<ConversationTurn>& turns = recorder_.conversation().turns;
    if (!turns.isEmpty()) {
        // Regenerate sends the last question's pictures again.
        const ConversationTurn& last = turns.last();
        last_question_ = last.question;
        for (const QString& file : last.images) {
            if (std::optional<QImage> image = read_image(file, nullptr)) {
                last_images_.push_back(*image);
            }
        }
    }
}

QVariantMap ChatController::imageTiling(int width, int height) const {
    if (model_state_ != Ready || model_.image_tokens_per_tile <= 0 || width <= 0 || height <= 0) {
        return {};
    }
    try {
        return image_tiling(width, height, model_.geometry, settings_.imageDetail(),
                            model_.image_tokens_per_tile)
            .toVariantMap();
    } catch (const Error&) {
        return {};
    }
}

void ChatController::copyMessage(int row) const {
    QGuiApplication::clipboard()->setText(messages_.textAt(row));
}

void ChatController::copyText(const QString& text) const {
    QGuiApplication::clipboard()->setText(text);
}

void ChatController::finish_active() {
    status_timer_.stop();
    active_request_ = 0;
    active_row_ = -1;
    emit busyChanged();
    emit canRegenerateChanged();
}

void ChatController::on_progress(quint64 request, const WorkProgress& progress) {
    if (request != active_request_) {
        return;
    }
    progress_ = progress;
    if (progress.stage == WorkProgress::Stage::EncodingImage) {
        if (encoding_.started_ms < 0) {
            encoding_.started_ms = active_clock_.elapsed();
        }
        if (progress.image != encoding_.image) {
            encoding_.tiles_before += encoding_.image >= 0 ? encoding_.last_tile_count : 0;
            encoding_.image = progress.image;
        }
        encoding_.last_tile_count = progress.tile_count;
    }
    update_status();
}

void ChatController::update_status() {
    if (active_request_ == 0 || saw_text_) {
        return;
    }
    const WorkProgress& p = progress_;
    QString stage;
    double fraction = -1;
    switch (p.stage) {
    case WorkProgress::Stage::PreparingImages:
        stage = p.image_count > 1
                    ? tr("Preparing image %1 of %2").arg(p.image + 1).arg(p.image_count)
                    : tr("Preparing image");
        break;
    case WorkProgress::Stage::EncodingImage: {
        const int tile = std::min(p.tile + 1, p.tile_count);
        stage = p.image_count > 1 ? tr("Encoding image %1 of %2, tile %3/%4")
                                        .arg(p.image + 1)
                                        .arg(p.image_count)
                                        .arg(tile)
                                        .arg(p.tile_count)
                                  : tr("Encoding image, tile %1/%2").arg(tile).arg(p.tile_count);
        if (p.tile_count > 0 && p.image_count > 0) {
            fraction = (p.image + double(p.tile) / p.tile_count) / p.image_count;
        }
        // From the time the tiles encoded so far took; shown once the wait is worth telling.
        const int encoded = encoding_.tiles_before + p.tile;
        if (encoded > 0 && encoding_.started_ms >= 0) {
            const double per_tile =
                double(active_clock_.elapsed() - encoding_.started_ms) / 1000.0 / encoded;
            const double left = per_tile * (p.tile_count - p.tile);
            if (left >= 2.0) {
                messages_.setStatus(active_row_,
                                    tr("%1 · about %2 s left").arg(stage).arg(std::ceil(left)),
                                    fraction);
                return;
            }
        }
        break;
    }
    case WorkProgress::Stage::WaitingForServer:
        stage = tr("Waiting for the server");
        break;
    case WorkProgress::Stage::ReadingPrompt:
        stage = tr("Reading prompt");
        if (p.total > 0 && p.done < p.total) {
            fraction = double(p.done) / p.total;
        }
        break;
    }
    const double seconds = double(active_clock_.elapsed()) / 1000.0;
    messages_.setStatus(active_row_, tr("%1 · %2 s").arg(stage).arg(seconds, 0, 'f', 1), fraction);
}

void ChatController::on_delta(quint64 request, const QString& text) {
    if (request != active_request_) {
        return;
    }
    if (!saw_text_) {
        saw_text_ = true;
        status_timer_.stop();
    }
    messages_.appendText(active_row_, text);
    recorder_.appendText(text);
}

void ChatController::on_finished(const AnswerResult& result) {
    if (result.request != active_request_) {
        return;
    }
    const int row = active_row_;
    last_result_ = result;
    recorder_.finish(result);
    messages_.finishAnswer(row, answer_state(result.ending), result.ttft_ms, result.tokens_per_s,
                           result.ids.isEmpty() ? std::max(0, result.token_count)
                                                : int(result.ids.size()));
    finish_active();
    emit answerFinished(row);
}

void ChatController::on_failed(quint64 request, const QString& message) {
    if (request != active_request_) {
        return;
    }
    const int row = active_row_;
    recorder_.fail(message);
    messages_.turnIntoError(row, message);
    finish_active();
    emit answerFinished(row);
}

} // namespace nanovlm::app
