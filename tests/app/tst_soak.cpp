// A long session through the inference worker, as a person who never restarts the app would
// have it: switch model, then either a new chat's first question or a follow-up that makes the
// new model reread the chat (transcript replay), then a follow-up stopped at once;
// NANOVLM_SOAK_CYCLES times (1000 by default). Memory must level off and no thread may be left
// behind.

#include "inference_worker.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QThread>
#include <QtTest>

#include <cstdio>
#include <functional>
#include <unistd.h>

using namespace nanovlm::app;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kTokenizer = kFixtures + "/tokenizer/tokenizer.json";
// Two generations, so a switch really changes the model's shapes and prompt format.
const QStringList kModels = {kFixtures + "/parity/main/ckpt", kFixtures + "/parity/v0.2/ckpt"};
constexpr int kWaitMs = 20000;

long resident_kib() {
    long pages_total = 0;
    long pages_resident = 0;
    FILE* statm = std::fopen("/proc/self/statm", "r");
    if (statm == nullptr) {
        return -1;
    }
    const int read = std::fscanf(statm, "%ld %ld", &pages_total, &pages_resident);
    std::fclose(statm);
    return read == 2 ? pages_resident * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

// "main, nanovlm inference, …": the names of this process's threads, for a failure message.
QString thread_names() {
    QStringList names;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(task + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly)) {
            names.push_back(QString::fromUtf8(comm.readAll()).trimmed());
        }
    }
    return names.join(QStringLiteral(", "));
}

int thread_count() {
    return int(QDir(QStringLiteral("/proc/self/task"))
                   .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                   .size());
}

// The chat's record of one exchange, as ChatController keeps it for a replay.
ConversationTurn turn(const ChatRequest& request, const AnswerResult& result, const QString& model,
                      const QString& image) {
    ConversationTurn t;
    t.question = request.question;
    if (!image.isEmpty()) {
        t.images = {image};
    }
    t.answer.state = result.ending == AnswerResult::Ending::Stopped
                         ? AnswerRecord::State::Stopped
                         : AnswerRecord::State::Truncated;
    t.answer.ids = result.ids;
    t.answer.prompt_read = !result.ids.isEmpty(); // a sampled id means the question was read
    t.answer.model_directory = model;
    t.answer.generation = request.generation;
    return t;
}

int soak_cycles() {
    const int cycles = qEnvironmentVariableIntValue("NANOVLM_SOAK_CYCLES");
    return cycles > 0 ? cycles : 1000;
}

} // namespace

class TestSoak : public QObject {
    Q_OBJECT

private slots:
    void generateStopNewChatSwitchModel() {
        const int cycles = soak_cycles();
        QVERIFY2(cycles >= 100, "the memory check compares cycle 100 with the last cycle");
        const int threads_before = thread_count();
        const QString names_before = thread_names();

        auto* thread = new QThread;
        auto* worker = new InferenceWorker;
        worker->moveToThread(thread);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();

        int loaded = 0;
        int finished = 0;
        QList<QString> errors;
        AnswerResult last;
        connect(worker, &InferenceWorker::modelLoaded, this, [&] { ++loaded; });
        connect(worker, &InferenceWorker::modelFailed, this,
                [&](const QString& message) { errors.push_back(message); });
        connect(worker, &InferenceWorker::answerFailed, this,
                [&](quint64, const QString& message) { errors.push_back(message); });
        connect(worker, &InferenceWorker::answerFinished, this, [&](const AnswerResult& result) {
            last = result;
            ++finished;
        });
        const auto on_worker = [worker](std::function<void(InferenceWorker*)> call) {
            QMetaObject::invokeMethod(
                worker, [worker, call] { call(worker); }, Qt::QueuedConnection);
        };

        const QString image_path = kFixtures + "/parity/main/300x200/image.png";
        const QImage image = QImage(image_path).convertToFormat(QImage::Format_RGB888);
        QVERIFY(!image.isNull());
        long rss_at_100 = 0;
        int threads_during = 0;
        int stopped = 0;
        quint64 next_id = 1;
        QString conversation;
        QList<ConversationTurn> history;
        for (int cycle = 1; cycle <= cycles; ++cycle) {
            // Switch model (and with it the session and its thread pool).
            const QString model = kModels[cycle % kModels.size()];
            on_worker([model](InferenceWorker* w) { w->loadModel(model, kTokenizer); });
            QVERIFY2(QTest::qWaitFor([&] { return loaded == cycle || !errors.isEmpty(); }, kWaitMs),
                     qPrintable(QStringLiteral("cycle %1: model load timed out").arg(cycle)));

            // Odd cycles: a new chat and its first question about a picture. Even cycles: a
            // follow-up in that chat, which the model just switched to must read again first.
            const bool new_chat = cycle % 2 == 1;
            if (new_chat) {
                on_worker([](InferenceWorker* w) { w->resetConversation(); });
                history.clear();
                conversation = QStringLiteral("soak-%1").arg(cycle);
            }
            ChatRequest ask;
            ask.id = next_id++;
            ask.conversation = conversation;
            ask.history = history;
            ask.question = new_chat ? QStringLiteral("What is in this picture?")
                                    : QStringLiteral("Tell me more.");
            if (new_chat) {
                ask.images = {image};
            }
            ask.generation.max_new_tokens = 6;
            ask.generation.sampling.greedy = true;
            ask.threads = 2;
            const int before = finished;
            on_worker([ask](InferenceWorker* w) { w->answer(ask); });
            QVERIFY(
                QTest::qWaitFor([&] { return finished > before || !errors.isEmpty(); }, kWaitMs));
            QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0)));
            QCOMPARE(last.request, ask.id);
            QCOMPARE(last.ids.size(), 6);
            if (!new_chat) {
                QVERIFY2(last.vision_tiles_encoded > 0,
                         "the switched-to model did not reread the picture");
            }
            history.push_back(turn(ask, last, model, new_chat ? image_path : QString()));

            // A follow-up stopped as soon as it is asked: wherever the stop lands, the worker
            // ends it cleanly.
            ChatRequest follow_up = ask;
            follow_up.id = next_id++;
            follow_up.history = history;
            follow_up.question = QStringLiteral("And the colours?");
            follow_up.images.clear();
            follow_up.generation.max_new_tokens = 64;
            on_worker([follow_up](InferenceWorker* w) { w->answer(follow_up); });
            worker->stop(follow_up.id);
            QVERIFY(QTest::qWaitFor([&] { return finished > before + 1 || !errors.isEmpty(); },
                                    kWaitMs));
            QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0)));
            QCOMPARE(last.request, follow_up.id);
            if (last.ending == AnswerResult::Ending::Stopped) {
                ++stopped;
            }
            history.push_back(turn(follow_up, last, model, QString()));

            if (cycle == 1) {
                threads_during = thread_count();
            } else {
                QCOMPARE(thread_count(), threads_during);
            }
            if (cycle == 100) {
                rss_at_100 = resident_kib();
            }
        }
        QVERIFY(QTest::qWaitFor([&] { return true; }, 10)); // the last reset runs
        const long rss_at_end = resident_kib();
        qInfo("%d cycles: RSS %ld KiB after cycle 100, %ld KiB after the last (%+.2f%%); "
              "%d follow-ups stopped before their end; threads %d before, %d while running",
              cycles, rss_at_100, rss_at_end, 100.0 * (rss_at_end - rss_at_100) / rss_at_100,
              stopped, threads_before, threads_during);
        QVERIFY(rss_at_100 > 0);
        QVERIFY2(std::abs(rss_at_end - rss_at_100) < rss_at_100 / 20,
                 "resident memory grew or shrank by 5% or more between cycle 100 and the end");
        QVERIFY2(stopped > 0, "no follow-up was ever stopped: the stop path was not exercised");

        thread->quit();
        QVERIFY(thread->wait(kWaitMs));
        delete thread;
        // QThread's OS threads are detached: wait() returns as run() ends, and the kernel task
        // goes a moment later (longer under ASan).
        QVERIFY2(
            QTest::qWaitFor([&] { return thread_count() == threads_before; }, 10000),
            qPrintable(
                QStringLiteral("threads before: %1; after: %2").arg(names_before, thread_names())));
    }
};

QTEST_GUILESS_MAIN(TestSoak)
#include "tst_soak.moc"
