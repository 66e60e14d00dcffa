// Chatting through a server: the app's RemoteChatBackend against the real `nanovlm serve` on
// 127.0.0.1 with the demo model. The same greedy question gets the local engine's answer, a
// follow-up works, Stop keeps what came, and an unreachable, silent or key-refusing server each
// give a clear message. The API key stays out of the settings file, in a file only the user reads.

#include "api_key_store.h"
#include "chat_controller.h"
#include "remote_chat_backend.h"
#include "serve_process.h"
#include "server_address.h"
#include "server_list.h"
#include "server_probe.h"
#include "settings_sandbox.h"
#include "sse_reader.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace nanovlm::app;
using nanovlm::test::ServeProcess;

namespace {

const QString kDemo = QStringLiteral(NANOVLM_DEMO_MODEL);
const QString kImage = kDemo + "/examples/shapes_1.png";
const QString kQuestion = QStringLiteral("What color is the circle?");
const QString kFollowUp = QStringLiteral("What shape is at the top left?");
const QString kModelId = QStringLiteral("demo-model");

struct Answer {
    QString text;
    int state = -1;
};

void greedy(ChatController& c, int max_new_tokens = 24) {
    c.settings()->setTemperature(0);
    c.settings()->setMaxNewTokens(max_new_tokens);
    c.settings()->setThreads(1);
}

// Asks `question` (with the picture when `image`) and waits for the answer to end.
Answer ask(ChatController& c, const QString& question, bool image) {
    if (image) {
        c.attachments()->addFile(kImage);
        if (!QTest::qWaitFor([&] { return !c.attachments()->loading(); }, 10000)) {
            return {};
        }
    }
    QSignalSpy finished(&c, &ChatController::answerFinished);
    if (!c.send(question) || !finished.wait(60000)) {
        return {};
    }
    const int row = finished.first().first().toInt();
    MessageModel& m = *c.messages();
    return {m.textAt(row), m.data(m.index(row), MessageModel::AnswerStateRole).toInt()};
}

bool load(ChatController& c, const QString& source) {
    QSignalSpy ready(&c, &ChatController::modelReady);
    QSignalSpy changed(&c, &ChatController::modelChanged);
    c.loadModel(source);
    return QTest::qWaitFor(
               [&] {
                   return c.modelState() == ChatController::Ready ||
                          c.modelState() == ChatController::Failed;
               },
               30000) &&
           c.modelState() == ChatController::Ready;
}

// A port on 127.0.0.1 where nothing listens.
int closed_port() {
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    const int port = server.serverPort();
    server.close();
    return port;
}

QString address(const QString& base, const QString& model = kModelId) {
    QString error;
    return server_address({*normalize_base_url(base, &error), model});
}

} // namespace

class TestRemoteBackend : public QObject {
    Q_OBJECT

    QTemporaryDir settings_dir_;
    QTemporaryDir data_dir_;

private slots:
    void initTestCase() {
        QVERIFY(data_dir_.isValid());
        qputenv("XDG_DATA_HOME", data_dir_.path().toUtf8()); // the key file, never the user's
        QVERIFY(nanovlm::test::sandbox_settings(settings_dir_, "tst_remote_backend"));
        QVERIFY(ApiKeyStore::path().startsWith(data_dir_.path()));
    }

    void baseUrlsAreNormalised_data() {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected");
        QTest::newRow("with /v1") << "http://127.0.0.1:8080/v1"
                                  << "http://127.0.0.1:8080/v1";
        QTest::newRow("without") << "http://127.0.0.1:8080"
                                 << "http://127.0.0.1:8080/v1";
        QTest::newRow("slash") << " http://127.0.0.1:8080/ "
                               << "http://127.0.0.1:8080/v1";
        QTest::newRow("no scheme") << "127.0.0.1:8080"
                                   << "http://127.0.0.1:8080/v1";
        QTest::newRow("endpoint") << "https://h.example/v1/chat/completions/"
                                  << "https://h.example/v1";
        QTest::newRow("other path") << "http://h:1/api/openai/"
                                    << "http://h:1/api/openai";
        QTest::newRow("not a URL") << "ftp://h/v1"
                                   << "";
        QTest::newRow("empty") << "  "
                               << "";
    }
    void baseUrlsAreNormalised() {
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        QString error;
        const std::optional<QUrl> url = normalize_base_url(typed, &error);
        QCOMPARE(url ? url->toString() : QString(), expected);
        QCOMPARE(error.isEmpty(), !expected.isEmpty());
        if (url) {
            const std::optional<ServerAddress> back =
                parse_server_address(server_address({*url, "org/model:7b"}));
            QVERIFY(back);
            QCOMPARE(back->base, *url);
            QCOMPARE(back->model, QStringLiteral("org/model:7b"));
        }
        QVERIFY(!parse_server_address(QStringLiteral("/home/me/checkpoints/nanoVLM")));
    }

    void serverSentEventsInPieces() {
        const QByteArray stream = "data: {\"a\":1}\r\n\r\n: comment\n\nevent: x\ndata: one\n"
                                  "data: two\n\ndata:[DONE]\n\n";
        for (int piece : {1, 3, 7, int(stream.size())}) {
            SseReader reader;
            QList<QByteArray> events;
            for (int i = 0; i < stream.size(); i += piece) {
                events += reader.feed(stream.mid(i, piece));
            }
            QCOMPARE(events, (QList<QByteArray>{"{\"a\":1}", "one\ntwo", "[DONE]"}));
        }
    }

    // The same greedy question about the same picture: the server's answer is the local one,
    // streamed into the chat the same way; a follow-up about the picture is answered as well.
    void greedyAnswerMatchesTheLocalEngine() {
        ServeProcess serve(kDemo);
        QVERIFY2(serve.running(), qPrintable(serve.output()));

        ChatController local;
        greedy(local);
        QVERIFY(load(local, kDemo));
        const Answer local_first = ask(local, kQuestion, true);
        const Answer local_second = ask(local, kFollowUp, false);
        QVERIFY(!local_first.text.isEmpty());

        ServerList servers;
        const QString where = servers.add(serve.baseUrl(), kModelId, {});
        QCOMPARE(where, address(serve.baseUrl()));
        ChatController remote;
        greedy(remote);
        QVERIFY2(load(remote, where), qPrintable(remote.modelError()));
        const QString port = QUrl(serve.baseUrl()).authority();
        QCOMPARE(remote.modelName(), QStringLiteral("demo-model on %1").arg(port));
        QVERIFY2(remote.modelDetails().contains(serve.baseUrl()),
                 qPrintable(remote.modelDetails()));

        QSignalSpy deltas(remote.messages(), &MessageModel::dataChanged);
        const Answer first = ask(remote, kQuestion, true);
        QCOMPARE(first.text, local_first.text);
        QCOMPARE(first.state, int(MessageModel::Done));
        QVERIFY2(deltas.count() > 2, "the answer streamed in pieces");
        const int first_prompt = remote.lastResult().prompt_tokens;
        QVERIFY2(first_prompt > 16, "the server counted the picture's tokens (usage)");
        const Answer second = ask(remote, kFollowUp, false);
        // The whole chat went to the server again: the picture, the question and its answer.
        QVERIFY2(remote.lastResult().prompt_tokens > first_prompt,
                 qPrintable(QStringLiteral("prompt of the follow-up: %1 tokens, of the first: %2")
                                .arg(remote.lastResult().prompt_tokens)
                                .arg(first_prompt)));
        QCOMPARE(second.state, int(MessageModel::Done));
        QCOMPARE(second.text, local_second.text);

        // The saved chat says which server and model answered.
        const ConversationTurn& turn = remote.conversation().turns.first();
        QCOMPARE(turn.answer.model_directory, where);
        QCOMPARE(turn.answer.model_name, remote.modelName());
        QCOMPARE(turn.answer.text, first.text);

        // Back to the local model mid-chat: it reads the server's turns again and goes on.
        QVERIFY(load(remote, kDemo));
        QCOMPARE(ask(remote, kQuestion, false).state, int(MessageModel::Done));
    }

    void stopKeepsThePartialAnswer() {
        ServeProcess serve(kDemo, {"--step-delay-ms", "80"});
        QVERIFY2(serve.running(), qPrintable(serve.output()));
        ServerList servers;
        ChatController c;
        greedy(c, 400);
        QVERIFY(load(c, servers.add(serve.baseUrl(), kModelId, {})));
        c.attachments()->addFile(kImage);
        QTRY_VERIFY(!c.attachments()->loading());
        QSignalSpy finished(&c, &ChatController::answerFinished);
        QVERIFY(c.send(QStringLiteral("Describe the picture.")));
        QVERIFY(c.busy());
        MessageModel& m = *c.messages();
        QTRY_VERIFY_WITH_TIMEOUT(!m.textAt(1).isEmpty(), 30000);
        const QString partial = m.textAt(1);
        c.stop();
        QVERIFY(finished.wait(10000));
        QCOMPARE(m.data(m.index(1), MessageModel::AnswerStateRole).toInt(),
                 int(MessageModel::Stopped));
        QVERIFY2(m.textAt(1).startsWith(partial), "what was written stays");
        QVERIFY(!c.busy());
        QCOMPARE(c.conversation().turns.first().answer.state, AnswerRecord::State::Stopped);
        // The server is free again: the next question is answered.
        c.setStepDelay(0);
        QCOMPARE(ask(c, kQuestion, false).state, int(MessageModel::Done));
    }

    void unreachableServerSaysSo() {
        const QString base = QStringLiteral("http://127.0.0.1:%1/v1").arg(closed_port());
        ServerProbe probe;
        QSignalSpy changed(&probe, &ServerProbe::changed);
        probe.check(base, {});
        QTRY_VERIFY_WITH_TIMEOUT(!probe.busy(), 15000);
        QVERIFY2(probe.error().contains("Cannot reach the server") &&
                     probe.error().contains("connection refused"),
                 qPrintable(probe.error()));
        QVERIFY(probe.models().isEmpty());

        ChatController c;
        QVERIFY(!load(c, address(base)));
        QCOMPARE(c.modelState(), ChatController::Failed);
        QVERIFY2(c.modelError().contains("connection refused"), qPrintable(c.modelError()));
        QVERIFY(!c.send(kQuestion));
    }

    // Accepts connections and never answers: the check gives up with a message, not a hang.
    void silentServerTimesOut() {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
        ServerProbe probe;
        probe.setProperty("timeout", 700);
        probe.check(base, {});
        QTRY_VERIFY_WITH_TIMEOUT(!probe.busy(), 10000);
        QVERIFY2(probe.error().contains("did not answer within 0.7 s"), qPrintable(probe.error()));

        RemoteChatBackend backend;
        backend.setTimeouts(700, 700);
        QSignalSpy failed(&backend, &AnswerBackend::modelFailed);
        backend.loadModel(address(base), {});
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.first().first().toString().contains("did not answer"),
                 qPrintable(failed.first().first().toString()));
    }

    // An error in OpenAI's shape is shown with the server's own message.
    void serverErrorsAreQuoted() {
        ServeProcess serve(kDemo);
        QVERIFY2(serve.running(), qPrintable(serve.output()));
        RemoteChatBackend backend;
        QSignalSpy loaded(&backend, &AnswerBackend::modelLoaded);
        backend.loadModel(address(serve.baseUrl()), {});
        QVERIFY(loaded.wait(15000));
        QSignalSpy failed(&backend, &AnswerBackend::answerFailed);
        ChatRequest request;
        request.id = 7;
        request.question = kQuestion;
        request.generation.max_new_tokens = 0; // the server wants at least 1
        backend.answer(request);
        QVERIFY(failed.wait(15000));
        QCOMPARE(failed.first().first().toULongLong(), 7ULL);
        const QString message = failed.first().last().toString();
        QVERIFY2(message.contains("answered:") && message.contains("max_tokens") &&
                     message.contains("(HTTP 400)"),
                 qPrintable(message));
    }

    void wrongOrMissingKeyIsRefused() {
        const QString key = QStringLiteral("sk-test-right-key-7f3a9c");
        ServeProcess serve(kDemo, {"--api-key", key});
        QVERIFY2(serve.running(), qPrintable(serve.output()));

        ServerProbe probe;
        probe.check(serve.baseUrl(), QStringLiteral("sk-wrong-key-0000"));
        QTRY_VERIFY_WITH_TIMEOUT(!probe.busy(), 15000);
        QVERIFY2(probe.error().contains("refused the API key") && probe.error().contains("401"),
                 qPrintable(probe.error()));
        QVERIFY(!probe.error().contains("sk-wrong-key"));
        probe.check(serve.baseUrl(), {});
        QTRY_VERIFY_WITH_TIMEOUT(!probe.busy(), 15000);
        QVERIFY2(probe.error().contains("needs an API key"), qPrintable(probe.error()));
        probe.check(serve.baseUrl(), key);
        QTRY_VERIFY_WITH_TIMEOUT(!probe.busy(), 15000);
        QCOMPARE(probe.models(), QStringList{kModelId});

        ServerList servers;
        QAbstractItemModelTester tester(&servers,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ChatController c;
        greedy(c);
        QVERIFY(
            !load(c, servers.add(serve.baseUrl(), kModelId, QStringLiteral("sk-wrong-key-0000"))));
        QVERIFY2(c.modelError().contains("refused the API key"), qPrintable(c.modelError()));
        QVERIFY(!c.modelError().contains("sk-wrong"));

        QVERIFY(load(c, servers.add(serve.baseUrl(), kModelId, key)));
        QCOMPARE(ask(c, kQuestion, true).state, int(MessageModel::Done));

        // Kept in a file only the user reads, and nowhere in the settings.
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(ApiKeyStore::path()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 07777), 0600);
        QCOMPARE(ApiKeyStore::key(QUrl(serve.baseUrl()).toString()), key);
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
        const QByteArray text = file.readAll();
        QVERIFY2(text.contains(serve.baseUrl().toUtf8()), "the server is listed in the settings");
        QVERIFY2(!text.contains(key.toUtf8()), "the key is not in the settings file");
        const QModelIndex row = servers.index(servers.count() - 1);
        QCOMPARE(servers.data(row, ServerList::MaskedKeyRole).toString().right(4), key.right(4));
        QVERIFY(!servers.data(row, ServerList::MaskedKeyRole).toString().contains(key));

        // Removed: the entry and its key are gone, after a restart too.
        while (servers.count() > 0) {
            servers.remove(0);
        }
        QCOMPARE(ApiKeyStore::key(QUrl(serve.baseUrl()).toString()), QString());
        QCOMPARE(ServerList().count(), 0);
    }
};

QTEST_MAIN(TestRemoteBackend)
#include "tst_remote_backend.moc"
