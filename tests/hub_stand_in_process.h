#pragma once

// Starts tests/tools/hub_stand_in (a local Hugging Face Hub on 127.0.0.1 serving the fixture
// checkpoints; see its header) in its own process, so that it answers while a test waits on
// a `nanovlm download` child, and reads back the requests it logged.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <vector>

namespace nanovlm::test {

class HubStandIn {
public:
    // args: --fault FILE=KIND[:COUNT], --token T, --rate BYTES (see hub_stand_in.cpp).
    explicit HubStandIn(const QStringList& args = {}) {
        process_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process_.start(QStringLiteral(NANOVLM_HUB_STAND_IN),
                       args + QStringList{"--log", logPath()});
        if (!process_.waitForStarted(10000) || !process_.waitForReadyRead(10000)) {
            return;
        }
        // "hub=PORT cdn=PORT"
        const QList<QByteArray> words = process_.readLine().trimmed().split(' ');
        hub_port_ = words.value(0).mid(4).toInt();
        cdn_port_ = words.value(1).mid(4).toInt();
    }
    ~HubStandIn() {
        process_.kill();
        process_.waitForFinished();
    }
    bool running() const { return hub_port_ > 0; }
    QString endpoint() const { return QStringLiteral("http://127.0.0.1:%1").arg(hub_port_); }
    int cdnPort() const { return cdn_port_; }
    QString logPath() const { return dir_.filePath("requests.jsonl"); }

    // Every request so far: host ("hub"/"cdn"), method, path, range, authorization, status,
    // body_bytes.
    std::vector<QJsonObject> requests() const {
        std::vector<QJsonObject> out;
        QFile file(logPath());
        if (file.open(QIODevice::ReadOnly)) {
            for (const QByteArray& line : file.readAll().split('\n')) {
                if (!line.isEmpty()) {
                    out.push_back(QJsonDocument::fromJson(line).object());
                }
            }
        }
        return out;
    }
    // The CDN GETs of files whose name contains `name`.
    std::vector<QJsonObject> cdnGets(const QString& name) const {
        std::vector<QJsonObject> out;
        for (const QJsonObject& r : requests()) {
            if (r["host"] == "cdn" && r["method"] == "GET" && r["path"].toString().contains(name)) {
                out.push_back(r);
            }
        }
        return out;
    }

private:
    QTemporaryDir dir_;
    QProcess process_;
    int hub_port_ = 0;
    int cdn_port_ = 0;
};

} // namespace nanovlm::test
