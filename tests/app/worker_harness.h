#pragma once

// An InferenceWorker on its own thread, as ChatController runs it, with what it says recorded on
// the test's thread. The connections are queued (the worker emits on its own thread), so the
// lists are only touched here; a QSignalSpy would record on the worker's thread, racing with the
// test's reads, and miss a signal sent before its wait().

#include "inference_worker.h"

#include <QThread>
#include <QtTest>

#include <functional>
#include <optional>
#include <utility>

namespace nanovlm::test {

// Generous for a loaded CI machine (and ASan), yet far below "hangs".
constexpr int kWorkerWaitMs = 30000;

// Runs the event loop until `done()` holds (true) or kWorkerWaitMs pass (false).
inline bool wait_for(const std::function<bool()>& done) {
    return QTest::qWaitFor(done, kWorkerWaitMs);
}

struct WorkerEvents : QObject {
    QList<app::AnswerResult> finished;
    QList<std::pair<quint64, QString>> failed;
    QList<std::pair<quint64, QString>> deltas;
    QList<app::WorkProgress> progress;
    QList<QString> model_failed;
    int model_loaded = 0;
    QString model_directory; // of the last model loaded

    explicit WorkerEvents(app::InferenceWorker* worker) {
        using app::InferenceWorker;
        connect(worker, &InferenceWorker::answerFinished, this,
                [this](const app::AnswerResult& r) { finished.push_back(r); });
        connect(worker, &InferenceWorker::answerFailed, this, [this](quint64 id, const QString& m) {
            failed.push_back({id, m});
        });
        connect(worker, &InferenceWorker::textDelta, this, [this](quint64 id, const QString& t) {
            deltas.push_back({id, t});
        });
        connect(worker, &InferenceWorker::progress, this,
                [this](quint64, const app::WorkProgress& p) { progress.push_back(p); });
        connect(worker, &InferenceWorker::modelFailed, this,
                [this](const QString& m) { model_failed.push_back(m); });
        connect(worker, &InferenceWorker::modelLoaded, this, [this](const app::ModelSummary& s) {
            model_directory = s.directory;
            ++model_loaded;
        });
    }
};

struct WorkerOnThread {
    QThread thread;
    app::InferenceWorker* worker = new app::InferenceWorker;
    WorkerEvents events{worker};

    WorkerOnThread() {
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        thread.start();
    }
    ~WorkerOnThread() {
        worker->stopAll();
        thread.quit();
        thread.wait();
    }
    WorkerOnThread(const WorkerOnThread&) = delete;
    WorkerOnThread& operator=(const WorkerOnThread&) = delete;

    // Queues a load and returns at once.
    void request_load(const QString& model, const QString& tokenizer) {
        QMetaObject::invokeMethod(
            worker, [w = worker, model, tokenizer] { w->loadModel(model, tokenizer); },
            Qt::QueuedConnection);
    }
    // Loads and waits; false when the model failed or the wait ran out.
    bool load(const QString& model, const QString& tokenizer) {
        const int before = events.model_loaded;
        const auto failures = events.model_failed.size();
        request_load(model, tokenizer);
        return wait_for([&] {
                   return events.model_loaded > before || events.model_failed.size() > failures;
               }) &&
               events.model_loaded > before;
    }
    void ask(const app::ChatRequest& request) {
        QMetaObject::invokeMethod(
            worker, [w = worker, request] { w->answer(request); }, Qt::QueuedConnection);
    }
    // Asks and waits for the answer; nullopt on failure or timeout.
    std::optional<app::AnswerResult> answer(const app::ChatRequest& request) {
        const auto finished = events.finished.size();
        const auto failed = events.failed.size();
        ask(request);
        if (!wait_for([&] {
                return events.finished.size() > finished || events.failed.size() > failed;
            }) ||
            events.failed.size() > failed) {
            return std::nullopt;
        }
        return events.finished.last();
    }
};

} // namespace nanovlm::test
