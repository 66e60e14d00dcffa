// The inference worker on its thread and the controller around it, on the tiny "main" parity
// checkpoint: the same greedy ids as `nanovlm generate`, Stop within 100 ms whatever the stage,
// follow-ups that reuse the KV cache, engine errors as messages, and shutdown mid-answer.

#include "chat_controller.h"
#include "inference_worker.h"
#include "settings_sandbox.h"
#include "worker_harness.h"

#include "nanovlm/tokenizer.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <memory>
#include <optional>

using namespace nanovlm::app;
using nanovlm::test::kWorkerWaitMs;
using nanovlm::test::wait_for;
using nanovlm::test::WorkerOnThread;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kModel = kFixtures + "/parity/main/ckpt";
const QString kTokenizer = kFixtures + "/tokenizer/tokenizer.json";
const QString kImage = kFixtures + "/parity/main/300x200/image.png";

// `nanovlm generate --greedy --max-new-tokens 16 --prompt "What is this?"` on that image.
const QList<qint32> kGreedyIds = {34977, 31031, 45057, 19562, 19562, 29013, 12314, 31031,
                                  31031, 34977, 34977, 38286, 31031, 19562, 34254, 41606};

QImage fixture_image() {
    QImage image(kImage);
    return image.convertToFormat(QImage::Format_RGB888);
}

nanovlm::GenerationOptions greedy(int max_new_tokens) {
    nanovlm::GenerationOptions options;
    options.max_new_tokens = max_new_tokens;
    options.sampling.greedy = true;
    return options;
}

} // namespace

class TestWorker : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(nanovlm::test::sandbox_settings(settings_dir_, "tst_worker")); }

    void streamsTheSameIdsAsTheCommandLine() {
        WorkerOnThread w;
        QVERIFY(w.load(kModel, kTokenizer));
        ChatRequest request;
        request.id = 1;
        request.question = "What is this?";
        request.images = {fixture_image()};
        request.generation = greedy(16);
        request.threads = 1;
        const auto answer = w.answer(request);
        QVERIFY(answer);
        const AnswerResult result = *answer;
        QCOMPARE(result.request, quint64(1));
        QCOMPARE(result.ids, kGreedyIds);
        QCOMPARE(result.ending, AnswerResult::Ending::Length);
        QVERIFY(result.ttft_ms > 0);
        QVERIFY(result.image_tokens > 0);

        // The deltas add up to the decoded ids, nothing repeated, nothing lost.
        QString streamed;
        for (const auto& [id, text] : w.events.deltas) {
            QCOMPARE(id, quint64(1));
            streamed += text;
        }
        const auto tokenizer = nanovlm::Tokenizer::load(kTokenizer.toStdString());
        const std::vector<nanovlm::TokenId> ids(kGreedyIds.begin(), kGreedyIds.end());
        QCOMPARE(streamed, QString::fromStdString(tokenizer.decode(ids, true)));
    }

    void matchesTheLiveCommandLine() {
        QProcess cli;
        cli.start(QStringLiteral(NANOVLM_CLI),
                  {"generate", "--model", kModel, "--tokenizer", kTokenizer, "--image", kImage,
                   "--prompt", "What is this?", "--greedy", "--max-new-tokens", "16", "--json"});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const auto json = nlohmann::json::parse(cli.readAllStandardOutput().toStdString());
        QList<qint32> cli_ids;
        for (const auto& id : json["ids"]) {
            cli_ids.push_back(id.get<qint32>());
        }
        QCOMPARE(cli_ids, kGreedyIds);
    }

    void stopDuringImageEncodingReturnsWithin100ms() {
        WorkerOnThread w;
        QVERIFY(w.load(kModel, kTokenizer));
        // A tiny model encodes a tile in microseconds; many images and a pause at every tile
        // make the encoding stage last seconds, so Stop lands in the middle of it.
        w.worker->setStepDelay(5);
        ChatRequest request;
        request.id = 7;
        request.question = "What is this?";
        for (int i = 0; i < 40; ++i) {
            request.images.push_back(fixture_image());
        }
        request.generation = greedy(16);
        request.threads = 1;
        w.ask(request);
        QVERIFY2(wait_for([&] {
                     return std::any_of(w.events.progress.begin(), w.events.progress.end(),
                                        [](const WorkProgress& p) {
                                            return p.stage == WorkProgress::Stage::EncodingImage;
                                        });
                 }),
                 "no image encoding progress");
        QElapsedTimer clock;
        clock.start();
        w.worker->stop(7);
        QVERIFY(wait_for([&] { return !w.events.finished.isEmpty(); }));
        QVERIFY2(clock.elapsed() < 100, qPrintable(QString("%1 ms").arg(clock.elapsed())));
        const AnswerResult result = w.events.finished.last();
        QCOMPARE(result.ending, AnswerResult::Ending::Stopped);
        QVERIFY(result.ids.isEmpty());
        QVERIFY(result.vision_tiles_encoded < 40 * 5); // it did stop part-way
    }

    void stopDuringDecodeReturnsWithin100msAndKeepsTheText() {
        WorkerOnThread w;
        QVERIFY(w.load(kModel, kTokenizer));
        w.worker->setStepDelay(5);
        ChatRequest request;
        request.id = 3;
        request.question = "Tell me a long story.";
        request.generation = greedy(4000);
        request.threads = 1;
        w.ask(request);
        QVERIFY(wait_for([&] { return !w.events.deltas.isEmpty(); }));
        QElapsedTimer clock;
        clock.start();
        w.worker->stop(3);
        QVERIFY(wait_for([&] { return !w.events.finished.isEmpty(); }));
        QVERIFY2(clock.elapsed() < 100, qPrintable(QString("%1 ms").arg(clock.elapsed())));
        const AnswerResult result = w.events.finished.last();
        QCOMPARE(result.ending, AnswerResult::Ending::Stopped);
        QVERIFY(!result.ids.isEmpty());
        QVERIFY(result.ids.size() < 4000);
    }

    void aStopBeforeTheRequestRunsStillStopsIt() {
        WorkerOnThread w;
        QVERIFY(w.load(kModel, kTokenizer));
        w.worker->stop(5); // Stop pressed while the request was still queued
        ChatRequest request;
        request.id = 5;
        request.question = "Hello?";
        request.generation = greedy(64);
        const auto stopped = w.answer(request);
        QVERIFY(stopped);
        QCOMPARE(stopped->ending, AnswerResult::Ending::Stopped);
        request.id = 6; // the next one is not affected
        const auto next = w.answer(request);
        QVERIFY(next);
        QCOMPARE(next->ending, AnswerResult::Ending::Length);
    }

    void followUpReusesTheCacheAndRegenerateRewinds() {
        WorkerOnThread w;
        QVERIFY(w.load(kModel, kTokenizer));
        ChatRequest first;
        first.id = 1;
        first.question = "What is this?";
        first.images = {fixture_image()};
        first.generation = greedy(16);
        first.threads = 1;
        const auto first_answer = w.answer(first);
        QVERIFY(first_answer);
        const AnswerResult a = *first_answer;
        QVERIFY(a.vision_tiles_encoded > 0);

        ChatRequest follow_up;
        follow_up.id = 2;
        follow_up.question = "And what colour is it?";
        follow_up.generation = greedy(8);
        follow_up.threads = 1;
        const auto second_answer = w.answer(follow_up);
        QVERIFY(second_answer);
        const AnswerResult b = *second_answer;
        QCOMPARE(b.vision_tiles_encoded, a.vision_tiles_encoded); // the image was not re-read
        QVERIFY2(b.prompt_tokens < a.prompt_tokens / 2, "the follow-up re-read the transcript");
        QCOMPARE(b.image_tokens, 0);
        // The first answer, cut by the token limit, was closed with its end-of-answer id; then
        // come the new turn and its answer.
        QCOMPARE(b.context_used, a.context_used + 1 + b.prompt_tokens + int(b.ids.size()));

        // Regenerate: same question, same (greedy) answer, from the same cache position.
        ChatRequest again = follow_up;
        again.id = 3;
        again.regenerate = true;
        const auto third_answer = w.answer(again);
        QVERIFY(third_answer);
        const AnswerResult c = *third_answer;
        QCOMPARE(c.ids, b.ids);
        QCOMPARE(c.context_used, b.context_used);
        QCOMPARE(c.vision_tiles_encoded, a.vision_tiles_encoded);
    }

    void engineErrorsAreMessages() {
        WorkerOnThread w;
        const nanovlm::test::WorkerEvents& e = w.events;
        ChatRequest request;
        request.id = 1;
        request.question = "Hello?";
        w.ask(request); // no model yet
        QVERIFY(wait_for([&] { return e.failed.size() == 1; }));
        QVERIFY(e.failed.last().second.contains("No model"));

        w.request_load(kFixtures + "/no_such_checkpoint", {});
        QVERIFY(wait_for([&] { return e.model_failed.size() == 1; }));
        QVERIFY2(e.model_failed.last().contains("no_such_checkpoint"),
                 qPrintable(e.model_failed.last()));
        w.request_load(kModel, kFixtures + "/missing.json");
        QVERIFY(wait_for([&] { return e.model_failed.size() == 2; }));
        QVERIFY2(e.model_failed.last().contains("missing.json"), qPrintable(e.model_failed.last()));

        QVERIFY(w.load(kModel, kTokenizer));
        request.id = 2;
        request.question = QString("word ").repeated(5000); // more positions than the context
        request.generation = greedy(4);
        w.ask(request);
        QVERIFY(wait_for([&] { return e.failed.size() == 2; }));
        QCOMPARE(e.failed.last().first, quint64(2));
        QVERIFY2(e.failed.last().second.contains("context"), qPrintable(e.failed.last().second));

        request.id = 3; // and the chat goes on
        request.question = "Hello?";
        const auto answer = w.answer(request);
        QVERIFY(answer);
        QCOMPARE(answer->ids.size(), 4);
    }

    void controllerStreamsIntoTheModel() {
        ChatController chat;
        QSignalSpy ready(&chat, &ChatController::modelReady);
        chat.loadModel(kModel, kTokenizer);
        QVERIFY(ready.wait(kWorkerWaitMs));
        QCOMPARE(chat.modelState(), ChatController::Ready);
        QCOMPARE(chat.modelDetails().left(4), QString("main"));
        QCOMPARE(chat.maxImageDetail(), 2); // max_img_size 128 / 64-px tiles

        chat.settings()->setTemperature(0); // greedy
        chat.settings()->setMaxNewTokens(16);
        chat.settings()->setThreads(1);
        chat.attachments()->addFile(kImage);
        QVERIFY(!chat.send("What is this?")); // still decoding the picture
        QTRY_VERIFY_WITH_TIMEOUT(!chat.attachments()->loading(), kWorkerWaitMs);
        QSignalSpy done(&chat, &ChatController::answerFinished);
        QVERIFY(chat.send("What is this?"));
        QVERIFY(chat.busy());
        QVERIFY(!chat.send("Again?")); // one answer at a time
        QVERIFY(done.wait(kWorkerWaitMs));
        QCOMPARE(done.last().at(0).toInt(), 1);
        QCOMPARE(chat.lastResult().ids, kGreedyIds);
        MessageModel* m = chat.messages();
        QCOMPARE(m->count(), 2);
        QCOMPARE(m->index(0).data(MessageModel::ImagesRole).toStringList().size(), 1);
        QCOMPARE(m->kindAt(1), MessageModel::AssistantMessage);
        QVERIFY(!m->textAt(1).isEmpty());
        QCOMPARE(m->index(1).data(MessageModel::AnswerStateRole).toInt(),
                 int(MessageModel::Truncated));
        QCOMPARE(m->index(1).data(MessageModel::TokenCountRole).toInt(), 16);
        QVERIFY(m->index(1).data(MessageModel::TtftRole).toDouble() > 0);
        QVERIFY(chat.canRegenerate());

        const QString first_answer = m->textAt(1);
        chat.regenerate(); // greedy: the same answer again, in the same row
        QVERIFY(done.wait(kWorkerWaitMs));
        QCOMPARE(m->count(), 2);
        QCOMPARE(m->textAt(1), first_answer);

        chat.newChat();
        QCOMPARE(m->count(), 0);
        QVERIFY(!chat.canRegenerate());
    }

    void badCheckpointIsAChatMessage() {
        ChatController chat;
        QSignalSpy changed(&chat, &ChatController::modelChanged);
        chat.loadModel(kFixtures + "/bad_images"); // a folder, but no checkpoint
        QTRY_COMPARE_WITH_TIMEOUT(chat.modelState(), ChatController::Failed, kWorkerWaitMs);
        QVERIFY(!chat.modelError().isEmpty());
        QCOMPARE(chat.messages()->count(), 1);
        QCOMPARE(chat.messages()->kindAt(0), MessageModel::ErrorMessage);
        QVERIFY(!chat.send("Hello?"));
    }

    void destroyingTheControllerMidAnswerIsQuick_data() {
        QTest::addColumn<bool>("during_encoding");
        QTest::newRow("while encoding images") << true;
        QTest::newRow("while writing the answer") << false;
    }

    void destroyingTheControllerMidAnswerIsQuick() {
        QFETCH(bool, during_encoding);
        auto chat = std::make_unique<ChatController>();
        QSignalSpy ready(chat.get(), &ChatController::modelReady);
        chat->loadModel(kModel, kTokenizer);
        QVERIFY(ready.wait(kWorkerWaitMs));
        chat->setStepDelay(20);
        chat->settings()->setMaxNewTokens(4000);
        chat->settings()->setThreads(1);
        if (during_encoding) {
            for (int i = 0; i < 20; ++i) {
                chat->attachments()->addFile(kImage);
            }
            QTRY_VERIFY_WITH_TIMEOUT(!chat->attachments()->loading(), kWorkerWaitMs);
        }
        QSignalSpy changed(chat->messages(), &QAbstractItemModel::dataChanged);
        QVERIFY(chat->send("Tell me about it."));
        const int role = during_encoding ? MessageModel::StatusRole : MessageModel::TextRole;
        auto reached = [&] {
            for (const auto& args : changed) {
                const QString status = args.at(0).toModelIndex().data(role).toString();
                if (args.at(2).value<QList<int>>().contains(role) &&
                    (!during_encoding || status.startsWith("Encoding"))) {
                    return true;
                }
            }
            return false;
        };
        while (!reached()) {
            QVERIFY(changed.wait(kWorkerWaitMs));
        }
        QVERIFY(chat->busy());
        QElapsedTimer clock;
        clock.start();
        chat.reset();
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString("%1 ms").arg(clock.elapsed())));
    }

private:
    QTemporaryDir settings_dir_;
};

QTEST_MAIN(TestWorker)
#include "tst_worker.moc"
