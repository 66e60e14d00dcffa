// The real `nanovlm-chat` process (offscreen): a scripted exchange ends cleanly with its
// screenshots, and SIGTERM or SIGINT in the middle of an answer exits cleanly within a second.

#include "../process_run.h"

#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);

// The app with its settings in `config` (never the user's) and the fixture checkpoint.
void start_app(QProcess& app, const QString& config, const QStringList& extra) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_CONFIG_HOME", config);
    env.insert("QT_QPA_PLATFORM", "offscreen");
    app.setProcessEnvironment(env);
    app.setReadChannel(QProcess::StandardError); // where ScriptedRun logs, for waitForReadyRead
    app.start(QStringLiteral(NANOVLM_CHAT),
              QStringList{"--model", kFixtures + "/parity/main/ckpt", "--tokenizer",
                          kFixtures + "/tokenizer/tokenizer.json"} +
                  extra);
}

} // namespace

class TestGuiProcess : public QObject {
    Q_OBJECT

private slots:
    void scriptedExchangeEndsCleanly() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess app;
        start_app(app, dir.path(),
                  {"--attach", kFixtures + "/parity/main/300x200/image.png", "--ask",
                   "What is this?", "--ask", "And then?", "--max-new-tokens", "8", "--screenshot",
                   dir.filePath("shot"), "--theme", "dark"});
        QVERIFY(app.waitForFinished(60000));
        const QByteArray err = app.readAllStandardError();
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QVERIFY2(app.exitCode() == 0, err.constData());
        QVERIFY2(err.contains("answer finished (4 messages)"), err.constData());
        for (const char* stage : {"welcome", "composer", "done", "settings"}) {
            const QImage shot(dir.filePath(QString("shot-%1.png").arg(stage)));
            QVERIFY2(!shot.isNull(), stage);
            QVERIFY(shot.width() >= 480 && shot.height() >= 420);
            // Dark theme: the window background, top-left, is dark.
            QVERIFY2(shot.pixelColor(2, shot.height() / 2).lightness() < 64, stage);
        }
    }

    // "Open with nanovlm chat": image files on the command line land in the composer, beside
    // any --attach of a scripted run.
    void fileArgumentsAreAttached() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess app;
        start_app(app, dir.path(),
                  {"--attach", kFixtures + "/parity/main/64x64/image.png", "--ask", "What is this?",
                   "--max-new-tokens", "2", kFixtures + "/parity/main/300x200/image.png",
                   kFixtures + "/parity/v0.2/50x90/image.png"});
        QVERIFY(app.waitForFinished(60000));
        const QByteArray err = app.readAllStandardError();
        QVERIFY2(app.exitCode() == 0, err.constData());
        QVERIFY2(err.contains("attached: 3"), err.constData());
    }

    void signalMidAnswerExitsWithinASecond_data() {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }

    void signalMidAnswerExitsWithinASecond() {
        QFETCH(int, signal);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess app;
        // A long, slowed answer: it is still being written when the signal comes.
        start_app(
            app, dir.path(),
            {"--ask", "Tell me a long story.", "--max-new-tokens", "4000", "--step-delay", "20"});
        QByteArray seen;
        QVERIFY2(nanovlm::test::wait_for_stderr_line(app, seen, "first token", 1, 30000),
                 seen.constData());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(::kill(pid_t(app.processId()), signal), 0);
        QVERIFY2(app.waitForFinished(1000), "still running a second after the signal");
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString("%1 ms").arg(clock.elapsed())));
        QCOMPARE(app.exitStatus(), QProcess::NormalExit); // unwound, not killed by the signal
        QCOMPARE(app.exitCode(), 0);
        seen += app.readAllStandardError();
        QVERIFY2(!seen.contains("answer finished"), "the answer was not interrupted");
    }
};

QTEST_MAIN(TestGuiProcess)
#include "tst_gui_process.moc"
