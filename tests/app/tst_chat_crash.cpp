// kill -9 of the real `nanovlm-chat` in the middle of an answer: the earlier turn is on disk
// whole, and the answer being written is kept as far as the last streaming save got, marked
// interrupted when the chat is read back.

#include "../process_run.h"
#include "conversation_store.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace nanovlm::app;
using nanovlm::test::wait_for_stderr_line;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);

} // namespace

class TestChatCrash : public QObject {
    Q_OBJECT

private slots:
    void killedMidAnswerLosesNoEarlierTurn() {
        QTemporaryDir dir;
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
        env.insert("XDG_DATA_HOME", dir.filePath("data"));
        env.insert("QT_QPA_PLATFORM", "offscreen");
        app.setProcessEnvironment(env);
        app.setReadChannel(QProcess::StandardError);
        // A slowed model: the second answer streams for many seconds.
        app.start(QStringLiteral(NANOVLM_CHAT),
                  {"--model", kFixtures + "/parity/main/ckpt", "--tokenizer",
                   kFixtures + "/tokenizer/tokenizer.json", "--chats", dir.filePath("chats"),
                   "--attach", kFixtures + "/parity/main/64x64/image.png", "--ask", "What is this?",
                   "--ask", "Tell me more.", "--max-new-tokens", "400", "--step-delay", "6"});
        QByteArray seen;
        QVERIFY2(wait_for_stderr_line(app, seen, "first token", 2), seen.constData());
        QVERIFY(seen.contains("answer finished (2 messages)"));
        // Past the first streaming save of the second answer (at most one a second).
        QTest::qWait(1500); // 400 tokens take at least 400 x 6 ms
        QVERIFY2(app.state() == QProcess::Running, "the answer ended before the kill");
        app.kill(); // SIGKILL: nothing runs in the app after this
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitStatus(), QProcess::CrashExit);

        const ConversationStore store(dir.filePath("chats"));
        const QList<ConversationStore::Loaded> chats = store.loadAll();
        QCOMPARE(chats.size(), 1);
        QVERIFY2(chats[0].conversation, qPrintable(chats[0].error));
        const Conversation& c = *chats[0].conversation;
        QCOMPARE(c.turns.size(), 2);
        QCOMPARE(c.turns[0].question, QString("What is this?"));
        QCOMPARE(c.turns[0].images.size(), 1);
        QVERIFY(c.turns[0].answer.state != AnswerRecord::State::Interrupted);
        QCOMPARE(c.turns[0].answer.ids.size(), 400);
        QCOMPARE(c.turns[1].answer.state, AnswerRecord::State::Interrupted);
        QVERIFY2(!c.turns[1].answer.text.isEmpty(), "the streamed part was not saved");
        QCOMPARE(c.turns[1].answer.model_name, QString("ckpt"));
        QVERIFY(!QDir(dir.filePath("data")).exists()); // the default folder was not used
    }
};

QTEST_GUILESS_MAIN(TestChatCrash)

#include "tst_chat_crash.moc"
