#pragma once

// Runs one of our programs (or a system tool) to its end, as a script would, for the tests that
// check what a user sees from outside the process.

#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace nanovlm::test {

struct ProcessRun {
    int exit_code = -1; // -1: did not start or timed out (err says which); -2: crashed
    QByteArray out;
    QString err;

    QString text() const { return QString::fromUtf8(out); }
    QString describe() const {
        return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(exit_code).arg(text(), err);
    }
};

inline ProcessRun
run_process(const QString& program, const QStringList& args,
            const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
            int timeout_ms = 60000, const QByteArray& input = {}) {
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(program, args);
    ProcessRun run;
    if (!process.waitForStarted()) {
        run.err = program + " did not start: " + process.errorString();
        return run;
    }
    if (!input.isEmpty()) {
        process.write(input);
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(timeout_ms)) {
        process.kill();
        process.waitForFinished();
        run.err = program + " timed out\n";
    } else {
        run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    }
    run.out = process.readAllStandardOutput();
    run.err += QString::fromUtf8(process.readAllStandardError());
    return run;
}

// Waits until a running app's stderr (its read channel) has shown `line` `times` times; the
// chat app's scripted mode logs each stage there. `seen` keeps all that was read.
inline bool wait_for_stderr_line(QProcess& app, QByteArray& seen, const QByteArray& line,
                                 int times = 1, int timeout_ms = 60000) {
    QElapsedTimer clock;
    clock.start();
    while (seen.count(line) < times) {
        const int left = timeout_ms - int(clock.elapsed());
        if (left <= 0 || app.state() == QProcess::NotRunning) {
            return false;
        }
        app.waitForReadyRead(left);
        seen += app.readAllStandardError();
    }
    return true;
}

} // namespace nanovlm::test
