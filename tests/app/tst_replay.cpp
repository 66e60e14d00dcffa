// A chat continued without its live session: the worker rebuilds the transcript from the
// request's history (every earlier picture encoded once) and then answers exactly as the live
// session would have (greedy, tiny "main" parity checkpoint). And the whole app path: a chat
// recorded by one ChatController, reopened by another (a restart), continues identically.

#include "chat_controller.h"
#include "image_loader.h"
#include "inference_worker.h"
#include "settings_sandbox.h"
#include "worker_harness.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace nanovlm::app;
using nanovlm::test::kWorkerWaitMs;
using nanovlm::test::wait_for;
using Worker = nanovlm::test::WorkerOnThread;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kModel = kFixtures + "/parity/main/ckpt";
const QString kTokenizer = kFixtures + "/tokenizer/tokenizer.json";
const QString kImage = kFixtures + "/parity/main/300x200/image.png";
const QString kSmallImage = kFixtures + "/parity/main/64x64/image.png";

QImage decoded(const QString& file) {
    return read_image(file, nullptr).value_or(QImage());
}

nanovlm::GenerationOptions greedy(int max_new_tokens) {
    nanovlm::GenerationOptions options;
    options.max_new_tokens = max_new_tokens;
    options.sampling.greedy = true;
    return options;
}

ChatRequest question(quint64 id, const QString& text, const QStringList& images) {
    ChatRequest r;
    r.id = id;
    r.question = text;
    for (const QString& file : images) {
        r.images.push_back(decoded(file));
    }
    r.generation = greedy(8);
    r.threads = 1;
    r.conversation = "chat";
    return r;
}

ConversationTurn turn_of(const ChatRequest& request, const QStringList& images,
                         const AnswerResult& result, const QString& model_directory) {
    ConversationTurn t;
    t.question = request.question;
    t.images = images;
    t.answer.state = result.ending == AnswerResult::Ending::EndOfAnswer
                         ? AnswerRecord::State::Done
                         : AnswerRecord::State::Truncated;
    t.answer.ids = result.ids;
    t.answer.prompt_read = result.prompt_tokens > 0;
    t.answer.model_directory = model_directory;
    t.answer.image_detail = request.image_detail;
    return t;
}

} // namespace

class TestReplay : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(nanovlm::test::sandbox_settings(settings_dir_, "tst_replay")); }

    void aRebuiltTranscriptAnswersLikeTheLiveSession() {
        // The live session: three questions, the follow-ups reusing the cache.
        Worker live;
        QVERIFY(live.load(kModel, kTokenizer));
        const QStringList first_images = {kImage, kSmallImage};
        ChatRequest q1 = question(1, "What is in these pictures?", first_images);
        q1.image_detail = 1; // fewer tiles than the later questions' default: replayed as asked
        const auto a1 = live.answer(q1);
        QVERIFY(a1);
        ChatRequest q2 = question(2, "And the colours?", {});
        q2.history = {turn_of(q1, first_images, *a1, live.events.model_directory)};
        const auto a2 = live.answer(q2);
        QVERIFY(a2);
        QCOMPARE(a2->vision_tiles_encoded, a1->vision_tiles_encoded); // the fast path
        ChatRequest q3 = question(3, "Describe it once more.", {kSmallImage});
        q3.history = q2.history + QList{turn_of(q2, {}, *a2, live.events.model_directory)};
        const auto a3 = live.answer(q3);
        QVERIFY(a3);
        const int tiles_first = a1->vision_tiles_encoded;
        const int tiles_small = a3->vision_tiles_encoded - a2->vision_tiles_encoded;
        QVERIFY(tiles_first > 0 && tiles_small > 0);

        // A fresh worker (the app restarted) gets only the transcript.
        Worker reopened;
        QVERIFY(reopened.load(kModel, kTokenizer));
        QCOMPARE(reopened.events.model_directory, live.events.model_directory);
        const auto b3 = reopened.answer(q3);
        QVERIFY2(b3, reopened.events.failed.isEmpty()
                         ? "timeout"
                         : qPrintable(reopened.events.failed.last().second));
        QCOMPARE(b3->ids, a3->ids);
        QCOMPARE(b3->context_used, a3->context_used);
        // Every picture of the chat encoded exactly once: the history's and the new one.
        QCOMPARE(b3->vision_tiles_encoded, tiles_first + tiles_small);
        int encoding_reports = 0;
        for (const WorkProgress& p : reopened.events.progress) {
            if (p.stage == WorkProgress::Stage::EncodingImage) {
                ++encoding_reports;
            }
            if (p.stage != WorkProgress::Stage::ReadingPrompt) {
                QCOMPARE(p.image_count, 3); // shown as one run over the chat's pictures
            }
        }
        QVERIFY(encoding_reports >= 3);

        // From now on the rebuilt session is live: the next follow-up encodes nothing again.
        ChatRequest q4 = question(4, "Thanks.", {});
        q4.history =
            q3.history + QList{turn_of(q3, {kSmallImage}, *b3, live.events.model_directory)};
        const auto b4 = reopened.answer(q4);
        QVERIFY(b4);
        QCOMPARE(b4->vision_tiles_encoded, b3->vision_tiles_encoded);
        QVERIFY2(b4->prompt_tokens < 40, "the follow-up re-read the transcript");
        const auto a4 = live.answer(q4);
        QVERIFY(a4);
        QCOMPARE(b4->ids, a4->ids);
    }

    void aMissingPictureIsAMessage() {
        Worker w;
        QVERIFY(w.load(kModel, kTokenizer));
        QTemporaryDir dir;
        ChatRequest q = question(1, "And now?", {});
        ConversationTurn earlier;
        earlier.question = "What is this?";
        earlier.images = {dir.filePath("gone.png")};
        earlier.answer.state = AnswerRecord::State::Done;
        earlier.answer.prompt_read = true;
        earlier.answer.text = "A square.";
        q.history = {earlier};
        QVERIFY(!w.answer(q));
        QCOMPARE(w.events.failed.size(), 1);
        const QString failure = w.events.failed[0].second;
        QVERIFY2(failure.contains("gone.png"), qPrintable(failure));
    }

    void aChatReopenedAfterARestartContinuesAsIfLive() {
        QTemporaryDir store;
        auto ask = [](ChatController& c, const QString& text, const QStringList& images) {
            for (const QString& file : images) {
                c.attachments()->addFile(file);
            }
            if (!wait_for([&] { return !c.attachments()->loading(); })) {
                return false;
            }
            QSignalSpy finished(&c, &ChatController::answerFinished);
            return c.send(text) && finished.wait(kWorkerWaitMs);
        };
        auto setUp = [&](ChatController& c) {
            c.settings()->setProperty("persistent", false);
            c.settings()->setTemperature(0); // greedy
            c.settings()->setMaxNewTokens(8);
            c.settings()->setThreads(1);
            c.conversations()->setFolder(store.path());
            QSignalSpy ready(&c, &ChatController::modelReady);
            c.loadModel(kModel, kTokenizer);
            return ready.wait(kWorkerWaitMs);
        };

        ChatController first;
        QVERIFY(setUp(first));
        QVERIFY(ask(first, "What is in these pictures?", {kImage, kSmallImage}));
        QVERIFY(ask(first, "And the colours?", {}));
        const QString id = first.conversation().id;
        QVERIFY(!id.isEmpty());
        QCOMPARE(first.conversations()->count(), 1);
        QCOMPARE(first.conversations()->currentId(), id);
        {
            // On disk after every turn: the ids, the model and the settings of each answer.
            ConversationStore disk(store.path());
            const auto saved = disk.load(disk.pathOf(id));
            QVERIFY2(saved.conversation, qPrintable(saved.error));
            QCOMPARE(saved.conversation->turns.size(), 2);
            const AnswerRecord& a = saved.conversation->turns[1].answer;
            QCOMPARE(a.ids, first.lastResult().ids);
            QCOMPARE(a.model_name, QString("ckpt"));
            QVERIFY(a.generation.sampling.greedy);
            QCOMPARE(a.generation.max_new_tokens, 8);
            QCOMPARE(saved.conversation->turns[0].images.size(), 2);
            QVERIFY(saved.conversation->turns[0].images[0].startsWith(disk.images().path()));
        }

        ChatController second;
        QVERIFY(setUp(second));
        QCOMPARE(second.conversations()->count(), 1);
        QVERIFY(second.openConversation(id));
        QCOMPARE(second.messages()->count(), 4);
        const QStringList thumbnails =
            second.messages()
                ->data(second.messages()->index(0), MessageModel::ImagesRole)
                .toStringList();
        QCOMPARE(thumbnails.size(), 2);
        QVERIFY(QUrl(thumbnails[0]).toLocalFile().startsWith(store.path()));
        QCOMPARE(second.messages()->textAt(3), first.messages()->textAt(3));

        QVERIFY(ask(second, "Describe it once more.", {}));
        QVERIFY(ask(first, "Describe it once more.", {}));
        QCOMPARE(second.lastResult().ids, first.lastResult().ids);
        QCOMPARE(second.lastResult().context_used, first.lastResult().context_used);
        QCOMPARE(second.messages()->count(), 6);
        QCOMPARE(second.conversation().turns.size(), 3);

        // Choosing the open chat again in the sidebar keeps its live session.
        const int tiles = second.lastResult().vision_tiles_encoded;
        QVERIFY(second.openConversation(id));
        QCOMPARE(second.messages()->count(), 6);
        QVERIFY(ask(second, "Thanks.", {}));
        QCOMPARE(second.lastResult().vision_tiles_encoded, tiles);
        QVERIFY2(second.lastResult().prompt_tokens < 40, "the transcript was read again");
    }

private:
    QTemporaryDir settings_dir_;
};

QTEST_MAIN(TestReplay)

#include "tst_replay.moc"
