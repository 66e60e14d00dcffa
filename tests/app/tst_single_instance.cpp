// One nanovlm-chat per chats folder, with real processes: a second launch on the same folder hands
// its picture to the running window and exits 0 (two windows would overwrite each other's
// turns); a socket left behind by a killed instance does not stop the next launch.

#include "single_instance.h"

#include <QElapsedTimer>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using nanovlm::app::SingleInstance;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kImage = kFixtures + "/parity/main/300x200/image.png";

void start_app(QProcess& app, const QString& config, const QStringList& extra) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_CONFIG_HOME", config);
    env.insert("QT_QPA_PLATFORM", "offscreen");
    app.setProcessEnvironment(env);
    app.start(QStringLiteral(NANOVLM_CHAT),
              QStringList{"--model", kFixtures + "/parity/main/ckpt", "--tokenizer",
                          kFixtures + "/tokenizer/tokenizer.json"} +
                  extra);
    app.waitForStarted();
}

// True once an instance listens for `chats` (a probe connection that says nothing is ignored).
bool wait_listening(const QString& chats, QProcess& app) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 30000 && app.state() == QProcess::Running) {
        QLocalSocket probe;
        probe.connectToServer(SingleInstance::serverName(chats));
        if (probe.waitForConnected(200)) {
            return true;
        }
        QTest::qWait(100);
    }
    return false;
}

bool wait_for_stderr(QProcess& app, QByteArray& seen, const QByteArray& text) {
    QElapsedTimer timer;
    timer.start();
    while (!seen.contains(text) && timer.elapsed() < 15000) {
        app.waitForReadyRead(200);
        seen += app.readAllStandardError();
    }
    return seen.contains(text);
}

} // namespace

class TestSingleInstance : public QObject {
    Q_OBJECT

private slots:
    void aSecondLaunchHandsItsPictureToTheFirst() {
        QTemporaryDir dir;
        const QString chats = dir.filePath("chats");
        QProcess first;
        start_app(first, dir.path(), {"--chats", chats});
        QVERIFY2(wait_listening(chats, first), first.readAllStandardError().constData());

        QProcess second;
        start_app(second, dir.path(), {"--chats", chats, kImage});
        QVERIFY(second.waitForFinished(20000));
        const QByteArray second_err = second.readAllStandardError();
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QVERIFY2(second.exitCode() == 0, second_err.constData());
        QVERIFY2(second_err.contains("handed over"), second_err.constData());

        QByteArray seen;
        QVERIFY2(wait_for_stderr(first, seen, "1 file(s) handed over, 1 attached"),
                 seen.constData());
        QCOMPARE(first.state(), QProcess::Running);

        // Another folder is another instance: it does not hand over.
        QProcess other;
        start_app(other, dir.path(), {"--chats", dir.filePath("other-chats")});
        QVERIFY(wait_listening(dir.filePath("other-chats"), other));
        QVERIFY(!other.waitForFinished(1000));
        other.terminate();
        QVERIFY(other.waitForFinished(10000));
        first.terminate();
        QVERIFY(first.waitForFinished(10000));
    }

    // kill -9 leaves the socket file: the next launch takes it over instead of handing its
    // files to nobody (or refusing to start).
    void aKilledInstancesSocketIsTakenOver() {
        QTemporaryDir dir;
        const QString chats = dir.filePath("chats");
        QProcess killed;
        start_app(killed, dir.path(), {"--chats", chats});
        QVERIFY(wait_listening(chats, killed));
        ::kill(pid_t(killed.processId()), SIGKILL);
        QVERIFY(killed.waitForFinished(10000));

        QProcess next;
        start_app(next, dir.path(), {"--chats", chats});
        QVERIFY2(wait_listening(chats, next), next.readAllStandardError().constData());
        QProcess second;
        start_app(second, dir.path(), {"--chats", chats, kImage});
        QVERIFY(second.waitForFinished(20000));
        QVERIFY2(second.exitCode() == 0, second.readAllStandardError().constData());
        QByteArray seen;
        QVERIFY2(wait_for_stderr(next, seen, "1 file(s) handed over"), seen.constData());
        next.terminate();
        QVERIFY(next.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestSingleInstance)

#include "tst_single_instance.moc"
