#pragma once

#include "attachment_model.h"
#include "chat_settings.h"
#include "chat_types.h"
#include "conversation_list.h"
#include "conversation_recorder.h"
#include "demo_model.h"
#include "message_model.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QThread>
#include <QTimer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT

#include <limits>
#include <optional>

namespace nanovlm::app {

class AnswerBackend;
class InferenceWorker;
class RemoteChatBackend;

// One chat window's brain: the messages, the composer's pictures, the settings, and the one
// worker thread that runs the engine. QML calls send()/stop()/regenerate()/newChat(); the
// worker's queued signals come back here and become MessageModel changes on the GUI thread.
// Every turn is recorded (ConversationRecorder) and saved when `conversations.folder` is set;
// openConversation() shows a saved chat, and its next question rebuilds the transcript.
//
// Destroying it at any moment is safe and quick: the destructor stops the running answer (the
// engine checks between tokens and ViT blocks), then quit()s and wait()s for the thread.
class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(nanovlm::app::MessageModel* messages READ messages CONSTANT)
    Q_PROPERTY(nanovlm::app::AttachmentModel* attachments READ attachments CONSTANT)
    Q_PROPERTY(nanovlm::app::ChatSettings* settings READ settings CONSTANT)
    Q_PROPERTY(nanovlm::app::ConversationList* conversations READ conversations CONSTANT)

    Q_PROPERTY(ModelState modelState READ modelState NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelDirectory READ modelDirectory NOTIFY modelChanged)
    // "main · 230M parameters"
    Q_PROPERTY(QString modelDetails READ modelDetails NOTIFY modelChanged)
    Q_PROPERTY(QString modelError READ modelError NOTIFY modelChanged)
    // The loaded checkpoint is the demo that ships with the app: its summary, and example
    // pictures with a question each ([{image: file URL, question, answer}]) for the empty chat.
    Q_PROPERTY(bool modelIsDemo READ modelIsDemo NOTIFY modelChanged)
    Q_PROPERTY(QString demoSummary READ demoSummary NOTIFY modelChanged)
    Q_PROPERTY(QVariantList demoExamples READ demoExamples NOTIFY modelChanged)
    // Where the shipped demo checkpoint is ("" when this build has none): the model of a first
    // launch.
    Q_PROPERTY(QString builtInDemoDirectory READ builtInDemoDirectory CONSTANT)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    // Tiles per image side at the model's own detail; 0 when the checkpoint reads one square.
    Q_PROPERTY(int maxImageDetail READ maxImageDetail NOTIFY modelChanged)

    // An answer is being written (Stop is possible, Send is not).
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(bool canRegenerate READ canRegenerate NOTIFY canRegenerateChanged)
    // Scripted demos and tests only: sleep this long at every engine step so that a tiny
    // model's stages stay on screen (InferenceWorker::setStepDelay). 0 in normal use.
    Q_PROPERTY(int stepDelay READ stepDelay WRITE setStepDelay NOTIFY stepDelayChanged)

public:
    enum ModelState { NoModel, Loading, Ready, Failed };
    Q_ENUM(ModelState)

    explicit ChatController(QObject* parent = nullptr);
    ~ChatController() override;

    MessageModel* messages() { return &messages_; }
    AttachmentModel* attachments() { return &attachments_; }
    ChatSettings* settings() { return &settings_; }
    ConversationList* conversations() { return &conversations_; }
    const Conversation& conversation() const { return recorder_.conversation(); }

    ModelState modelState() const { return model_state_; }
    QString modelName() const { return model_.name; }
    QString modelDirectory() const { return model_.directory; }
    QString modelDetails() const;
    bool modelIsDemo() const { return demo_.has_value(); }
    QString demoSummary() const { return demo_ ? demo_->summary : QString(); }
    QVariantList demoExamples() const;
    QString builtInDemoDirectory() const;
    QString modelError() const { return model_error_; }
    double loadProgress() const { return load_progress_; }
    int maxImageDetail() const { return model_.max_tiles_per_side; }
    bool busy() const { return active_request_ != 0; }
    bool canRegenerate() const;
    int stepDelay() const { return step_delay_; }
    void setStepDelay(int milliseconds);

    // The last answer's full result (ids, timings); for tests and the stats line.
    const AnswerResult& lastResult() const { return last_result_; }

    // A checkpoint folder and optionally a tokenizer.json; paths or file:// URLs. A server
    // address (server_address.h: base URL#model) makes that server answer instead.
    Q_INVOKABLE void loadModel(const QString& directory, const QString& tokenizer = {});
    // Asks `question` about the pictures in the composer. False (nothing happens) while an
    // answer runs, pictures are still decoding, no model is ready, or the question is empty.
    Q_INVOKABLE bool send(const QString& question);
    Q_INVOKABLE void stop();
    // Answers the last question again; the earlier answer stays as a version of it.
    Q_INVOKABLE void regenerate();
    // Asks chat turn `turn` again as `question`, with its pictures: the answer below it and the
    // chat after it are replaced, and kept as the earlier version of that question. False
    // (nothing happens) while an answer runs, without a model, or for an empty question.
    Q_INVOKABLE bool editQuestion(int turn, const QString& question);
    // Shows version `index` of turn `turn`'s question (`answer` false) or answer (true), with
    // the chat that followed it; the next question continues that version. False while busy.
    Q_INVOKABLE bool showVersion(int turn, bool answer, int index);
    Q_INVOKABLE void newChat();
    // Shows saved chat `id` (ConversationList); false when it cannot be read (it is then listed
    // as damaged). A follow-up continues it: the worker rebuilds its transcript first.
    Q_INVOKABLE bool openConversation(const QString& id);
    Q_INVOKABLE void copyMessage(int row) const;
    Q_INVOKABLE void copyText(const QString& text) const;
    // What the loaded model reads of a width x height picture at the chosen image detail
    // (image_tiling.h: rows, cols, resizedWidth, resizedHeight, tileSize, globalTile, tiles,
    // imageTokens); an empty map without a model or for an empty size.
    Q_INVOKABLE QVariantMap imageTiling(int width, int height) const;

signals:
    void modelChanged();
    void loadProgressChanged();
    void busyChanged();
    void canRegenerateChanged();
    void stepDelayChanged();
    void modelReady();
    // The answer in `row` is complete: done, stopped, cut, or turned into an error message.
    void answerFinished(int row);

private:
    void start(ChatRequest request, int row);
    void finish_active();
    void update_status();
    void on_progress(quint64 request, const WorkProgress& progress);
    void on_delta(quint64 request, const QString& text);
    void on_finished(const AnswerResult& result);
    void on_failed(quint64 request, const QString& message);
    void on_model_loaded(AnswerBackend* backend, const ModelSummary& summary);
    void on_model_failed(AnswerBackend* backend, const QString& message);
    void set_model_state(ModelState state);
    void abandon_active(); // a new or other chat while an answer runs
    void show(const Conversation& conversation);
    // Rows for the shown path's turns from `turn` on, replacing those there.
    void show_from(int turn);
    void append_turn(int turn);
    void remember_last_turn(); // what regenerate() asks again

    MessageModel messages_;
    AttachmentModel attachments_;
    ChatSettings settings_;
    ConversationList conversations_;
    ConversationRecorder recorder_;

    ModelState model_state_ = NoModel;
    ModelSummary model_;
    std::optional<DemoInfo> demo_;
    QString model_error_;
    QString pending_tokenizer_;
    // The model that worked before the load in progress; the worker keeps it, and it comes
    // back when the new one fails.
    struct WorkingModel {
        ModelSummary model;
        std::optional<DemoInfo> demo;
    };
    std::optional<WorkingModel> working_;
    // Rows of "could not load" errors in the chat on screen: gone once a model loads.
    QList<int> load_error_rows_;
    // Loads queued on each backend; only the last one's result counts.
    QHash<AnswerBackend*, int> pending_loads_;
    bool switching_mid_chat_ = false; // the load replaces a model the chat already used
    double load_progress_ = 0;
    int step_delay_ = 0;

    // The answer being written: its request id (0: none), row, clock and last stage.
    quint64 next_request_ = 1;
    quint64 active_request_ = 0;
    int active_row_ = -1;
    bool saw_text_ = false;
    QElapsedTimer active_clock_;
    QTimer status_timer_; // refreshes the "… · 1.2 s" while no token has come
    WorkProgress progress_;
    // Image encoding so far, for "about 40 s left": when its first tile began, and the tiles
    // of earlier images already encoded.
    struct EncodingClock {
        qint64 started_ms = -1;
        int image = -1;
        int tiles_before = 0;
        int last_tile_count = 0;
    } encoding_;

    // The last question, kept to answer it again.
    QString last_question_;
    QList<QImage> last_images_;
    int attempt_ = 0;
    AnswerResult last_result_;
    // Turns of the chat unchanged since the worker's session read them (ChatRequest).
    int unchanged_turns_ = std::numeric_limits<int>::max();

    QThread thread_;
    InferenceWorker* worker_;   // lives on thread_; deleted there when the thread finishes
    RemoteChatBackend* remote_; // a server speaking the OpenAI chat API (GUI thread)
    AnswerBackend* backend_;    // the one that answers: the worker or remote_
    AnswerBackend* loading_;    // the one whose model load came last
};

} // namespace nanovlm::app
