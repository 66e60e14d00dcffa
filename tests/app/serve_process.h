#pragma once

// Starts the real `nanovlm serve` on 127.0.0.1 (a free port it picks itself: --port 0) for the
// app's remote-backend tests, and stops it with SIGTERM.

#include <QProcess>
#include <QRegularExpression>
#include <QStringList>

namespace nanovlm::test {

class ServeProcess {
public:
    ServeProcess(const QString& model_dir, const QStringList& extra_args = {}) {
        process_.setProcessChannelMode(QProcess::MergedChannels);
        process_.start(QStringLiteral(NANOVLM_CLI),
                       QStringList{"serve", "--model", model_dir, "--port", "0", "--threads", "1"} +
                           extra_args);
        const QRegularExpression listening(QStringLiteral("(http://127\\.0\\.0\\.1:\\d+/v1)"));
        while (process_.waitForReadyRead(30000)) {
            output_ += QString::fromUtf8(process_.readAll());
            const QRegularExpressionMatch match = listening.match(output_);
            if (match.hasMatch()) {
                base_url_ = match.captured(1);
                return;
            }
        }
    }
    ~ServeProcess() {
        process_.terminate();
        if (!process_.waitForFinished(10000)) {
            process_.kill();
            process_.waitForFinished();
        }
    }
    bool running() const { return !base_url_.isEmpty(); }
    QString baseUrl() const { return base_url_; } // "http://127.0.0.1:PORT/v1"
    QString output() const { return output_; }

private:
    QProcess process_;
    QString output_;
    QString base_url_;
};

} // namespace nanovlm::test
