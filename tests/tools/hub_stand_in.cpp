// hub_stand_in: a local Hugging Face Hub on 127.0.0.1 for the download tests and screenshots.
// It speaks the part of the Hub's protocol that huggingface_hub (and our downloader) use:
//   GET  /api/models/{org}/{name}/revision/{rev}   {"sha": commit, "siblings": [...]}
//   HEAD/GET /{org}/{name}/resolve/{rev}/{file}
//        small files: 200, ETag "<git blob sha1>", X-Repo-Commit, Content-Length
//        large (LFS) files: 302 to a second "CDN" port, X-Linked-Etag "<sha256>",
//        X-Linked-Size, X-Repo-Commit; the CDN honours Range (206)
//        a renamed repo (old-name/nanoVLM-230M-8k): 307 with a relative Location
// serving the fixture checkpoints and tokenizer, with faults to inject:
//   --fault FILE=KIND[:COUNT]  KIND: drop-half (send half the body, then close), wrong-checksum
//                              (one byte changed), unauthorized (401), not-found (404),
//                              server-error (500); COUNT times (default: always)
//   --token TOKEN              the Hub's host wants "Authorization: Bearer TOKEN" (else 401)
//   --rate BYTES               the CDN sends at most BYTES a second
//   --log FILE                 one JSON line per request: host, method, path, range,
//                              authorization, status, body_bytes
// Prints "hub=PORT cdn=PORT" on stdout once listening.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>
#include <map>

namespace {

struct HostedFile {
    QByteArray bytes;
    bool lfs = false;
    QByteArray sha256() const {
        return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    }
    QByteArray gitSha1() const {
        return QCryptographicHash::hash("blob " + QByteArray::number(bytes.size()) + '\0' + bytes,
                                        QCryptographicHash::Sha1)
            .toHex();
    }
    QByteArray etag() const { return lfs ? sha256() : gitSha1(); }
};

struct HostedRepo {
    QByteArray commit;
    std::map<QString, HostedFile> files;
};

struct Fault {
    QString kind;
    int left = -1; // -1: always
};

QByteArray readFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "hub_stand_in: cannot read %s\n", qPrintable(path));
        std::exit(1);
    }
    return file.readAll();
}

struct Request {
    QByteArray method, path;
    std::map<QByteArray, QByteArray> headers; // names lower-cased
};

class StandIn : public QObject {
public:
    StandIn(QString fixtures, QString log) : fixtures_(std::move(fixtures)), log_(std::move(log)) {
        const QByteArray tokenizer = readFile(fixtures_ + "/tokenizer/tokenizer.json");
        const QByteArray tokenizerConfig =
            readFile(fixtures_ + "/tokenizer/tokenizer_config.SmolLM2-135M-Instruct.json");
        const auto checkpoint = [&](const QString& generation) {
            HostedRepo repo;
            repo.files["config.json"] = {
                readFile(fixtures_ + "/parity/" + generation + "/ckpt/config.json"), false};
            repo.files["model.safetensors"] = {
                readFile(fixtures_ + "/parity/" + generation + "/ckpt/model.safetensors"), true};
            repo.files["README.md"] = {"# A tiny random nanoVLM for tests\n", false};
            return repo;
        };
        add("lusxvr/nanoVLM-230M-8k", checkpoint("main"));
        add("lusxvr/nanoVLM-460M-8k", checkpoint("main"));
        add("lusxvr/nanoVLM-450M", checkpoint("v0.2"));
        add("lusxvr/nanoVLM-222M", checkpoint("v0.1"));
        HostedRepo tok;
        tok.files["tokenizer.json"] = {tokenizer, false};
        tok.files["tokenizer_config.json"] = {tokenizerConfig, false};
        tok.files["vocab.json"] = {"{}", false}; // not needed: must not be downloaded
        add("HuggingFaceTB/SmolLM2-360M-Instruct", tok);
        add("HuggingFaceTB/cosmo2-tokenizer", tok);
        HostedRepo other;
        other.files["config.json"] = {R"({"model_type": "bert", "hidden_size": 8})", false};
        other.files["model.safetensors"] = {QByteArray(100000, 'x'), true};
        add("test/not-a-nanovlm", other);
    }

    bool listen() {
        connect(&hub_, &QTcpServer::newConnection, this, [this] { accept(hub_, false); });
        connect(&cdn_, &QTcpServer::newConnection, this, [this] { accept(cdn_, true); });
        return hub_.listen(QHostAddress::LocalHost) && cdn_.listen(QHostAddress::LocalHost);
    }
    quint16 hubPort() const { return hub_.serverPort(); }
    quint16 cdnPort() const { return cdn_.serverPort(); }

    QByteArray token;
    qint64 rate = 0;
    std::map<QString, Fault> faults; // by file name

private:
    void add(const QString& id, HostedRepo repo) {
        repo.commit = QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha1).toHex();
        repos_[id] = std::move(repo);
    }

    void accept(QTcpServer& server, bool cdn) {
        while (QTcpSocket* socket = server.nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer, cdn] {
                *buffer += socket->readAll();
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
                const QList<QByteArray> lines = buffer->left(end).split('\n');
                Request request;
                const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                request.method = first.value(0);
                request.path = first.value(1);
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        request.headers[lines[i].left(colon).trimmed().toLower()] =
                            lines[i].mid(colon + 1).trimmed();
                    }
                }
                serve(socket, request, cdn);
            });
        }
    }

    // Takes one from the fault's count; true when it applies to this request.
    bool fault(const QString& file, const QString& kind) {
        auto it = faults.find(file);
        if (it == faults.end() || it->second.kind != kind || it->second.left == 0) {
            return false;
        }
        if (it->second.left > 0) {
            --it->second.left;
        }
        return true;
    }

    void log(const Request& request, bool cdn, int status, qint64 body) {
        if (log_.isEmpty()) {
            return;
        }
        QFile file(log_);
        file.open(QIODevice::Append);
        const auto header = [&](const QByteArray& name) {
            const auto it = request.headers.find(name);
            return it == request.headers.end() ? QString() : QString::fromLatin1(it->second);
        };
        file.write(QJsonDocument(QJsonObject{{"host", cdn ? "cdn" : "hub"},
                                             {"method", QString::fromLatin1(request.method)},
                                             {"path", QString::fromLatin1(request.path)},
                                             {"range", header("range")},
                                             {"authorization", header("authorization")},
                                             {"status", status},
                                             {"body_bytes", body}})
                       .toJson(QJsonDocument::Compact) +
                   "\n");
    }

    void respond(QTcpSocket* socket, const Request& request, bool cdn, int status,
                 QList<std::pair<QByteArray, QByteArray>> headers, QByteArray body,
                 qint64 sendOnly = -1) {
        const bool head = request.method == "HEAD";
        QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + " X\r\n";
        bool has_length = false;
        for (const auto& [name, value] : headers) {
            out += name + ": " + value + "\r\n";
            has_length = has_length || name == "Content-Length";
        }
        if (!has_length) {
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        }
        out += "Connection: close\r\n\r\n";
        if (head) {
            body.clear();
        } else if (sendOnly >= 0) {
            body.truncate(sendOnly);
        }
        log(request, cdn, status, body.size());
        socket->write(out);
        if (!cdn || rate <= 0 || body.isEmpty()) {
            socket->write(body);
            socket->disconnectFromHost();
            return;
        }
        // Throttled: a slice every 50 ms.
        auto left = std::make_shared<QByteArray>(body);
        auto* timer = new QTimer(socket);
        QPointer<QTcpSocket> guard(socket);
        connect(timer, &QTimer::timeout, socket, [this, guard, left, timer] {
            if (!guard) {
                return;
            }
            const qint64 slice = qMax<qint64>(1, rate / 20);
            guard->write(left->left(slice));
            left->remove(0, qMin<qint64>(slice, left->size()));
            if (left->isEmpty()) {
                timer->stop();
                guard->disconnectFromHost();
            }
        });
        timer->start(50);
    }

    void serve(QTcpSocket* socket, const Request& request, bool cdn) {
        const QString path = QUrl::fromPercentEncoding(request.path.split('?').first());
        const auto error = [&](int status, const QByteArray& code) {
            respond(socket, request, cdn, status, {{"X-Error-Code", code}},
                    "{\"error\": \"" + code + "\"}");
        };
        if (cdn) {
            serveBlob(socket, request, path);
            return;
        }
        const auto auth = request.headers.find("authorization");
        if (!token.isEmpty() &&
            (auth == request.headers.end() || auth->second != "Bearer " + token)) {
            error(401, "GatedRepo");
            return;
        }
        QStringList parts = path.mid(1).split('/');
        if (parts.value(0) == "api" && parts.value(1) == "models" && parts.value(4) == "revision") {
            const QString id = parts[2] + "/" + parts[3];
            const auto repo = repos_.find(id);
            const QString rev = parts.mid(5).join('/');
            if (repo == repos_.end()) {
                error(404, "RepoNotFound");
                return;
            }
            if (rev != "main" && rev.toUtf8() != repo->second.commit) {
                error(404, "RevisionNotFound");
                return;
            }
            QJsonArray siblings;
            for (const auto& [name, file] : repo->second.files) {
                siblings.append(QJsonObject{{"rfilename", name}});
            }
            respond(socket, request, cdn, 200, {{"Content-Type", "application/json"}},
                    QJsonDocument(QJsonObject{{"id", id},
                                              {"sha", QString::fromLatin1(repo->second.commit)},
                                              {"siblings", siblings}})
                        .toJson(QJsonDocument::Compact));
            return;
        }
        if (parts.value(2) != "resolve" || parts.size() < 5) {
            error(404, "EntryNotFound");
            return;
        }
        if (parts[0] == "old-name") { // a renamed repo: the Hub redirects, relatively
            respond(socket, request, cdn, 307,
                    {{"Location", "/lusxvr/" + parts.mid(1).join('/').toUtf8()}}, {});
            return;
        }
        const QString id = parts[0] + "/" + parts[1];
        const QString rev = parts[3];
        const QString name = parts.mid(4).join('/');
        const auto repo = repos_.find(id);
        if (repo == repos_.end()) {
            error(404, "RepoNotFound");
            return;
        }
        if (rev != "main" && rev.toUtf8() != repo->second.commit) {
            error(404, "RevisionNotFound");
            return;
        }
        const auto file = repo->second.files.find(name);
        if (file == repo->second.files.end() || fault(name, "not-found")) {
            error(404, "EntryNotFound");
            return;
        }
        if (fault(name, "unauthorized")) {
            error(401, "GatedRepo");
            return;
        }
        if (fault(name, "server-error")) {
            error(500, "Internal");
            return;
        }
        const HostedFile& hosted = file->second;
        if (hosted.lfs) {
            const QByteArray location =
                "http://127.0.0.1:" + QByteArray::number(cdn_.serverPort()) + "/blobs/" +
                hosted.sha256() + "?name=" + QUrl::toPercentEncoding(name);
            respond(socket, request, cdn, 302,
                    {{"Location", location},
                     {"X-Repo-Commit", repo->second.commit},
                     {"ETag", "\"" + hosted.gitSha1() + "\""}, // the pointer's, not the file's
                     {"X-Linked-Etag", "\"" + hosted.sha256() + "\""},
                     {"X-Linked-Size", QByteArray::number(hosted.bytes.size())}},
                    {});
            return;
        }
        respond(socket, request, cdn, 200,
                {{"X-Repo-Commit", repo->second.commit}, {"ETag", "\"" + hosted.gitSha1() + "\""}},
                hosted.bytes);
    }

    void serveBlob(QTcpSocket* socket, const Request& request, const QString& path) {
        const QByteArray sha = path.section('/', 2, 2).toLatin1();
        const HostedFile* hosted = nullptr;
        QString name;
        for (const auto& [id, repo] : repos_) {
            for (const auto& [file_name, file] : repo.files) {
                if (file.lfs && file.sha256() == sha) {
                    hosted = &file;
                    name = file_name;
                }
            }
        }
        if (hosted == nullptr) {
            respond(socket, request, true, 404, {}, "no such blob");
            return;
        }
        if (request.method == "GET" && fault(name, "server-error")) {
            respond(socket, request, true, 503, {}, "busy");
            return;
        }
        QByteArray bytes = hosted->bytes;
        if (request.method == "GET" && fault(name, "wrong-checksum")) {
            bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x55);
        }
        qint64 from = 0;
        const auto range = request.headers.find("range");
        if (range != request.headers.end() && range->second.startsWith("bytes=")) {
            from = range->second.mid(6).split('-').first().toLongLong();
        }
        if (from >= bytes.size() && from > 0) {
            respond(socket, request, true, 416,
                    {{"Content-Range", "bytes */" + QByteArray::number(bytes.size())}}, {});
            return;
        }
        const QByteArray body = bytes.mid(from);
        QList<std::pair<QByteArray, QByteArray>> headers = {
            {"Content-Length", QByteArray::number(body.size())}, {"ETag", "\"" + sha + "\""}};
        const int status = from > 0 ? 206 : 200;
        if (from > 0) {
            headers.push_back({"Content-Range", "bytes " + QByteArray::number(from) + "-" +
                                                    QByteArray::number(bytes.size() - 1) + "/" +
                                                    QByteArray::number(bytes.size())});
        }
        const bool drop = request.method == "GET" && fault(name, "drop-half");
        respond(socket, request, true, status, headers, body,
                drop ? qMax<qint64>(0, bytes.size() / 2 - from) : -1);
    }

    QString fixtures_, log_;
    QTcpServer hub_, cdn_;
    std::map<QString, HostedRepo> repos_;
};

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOptions(
        {{"fixtures", "The tests/fixtures folder.", "DIR", QStringLiteral(NANOVLM_FIXTURES)},
         {"fault", "FILE=KIND[:COUNT]", "FAULT"},
         {"token", "Require this Bearer token.", "TOKEN"},
         {"rate", "CDN bytes a second.", "BYTES"},
         {"log", "Request log (JSON lines).", "FILE"}});
    p.process(app);
    StandIn server(p.value("fixtures"), p.value("log"));
    server.token = p.value("token").toUtf8();
    server.rate = p.value("rate").toLongLong();
    for (const QString& spec : p.values("fault")) {
        const QString file = spec.section('=', 0, 0);
        const QString kind = spec.section('=', 1).section(':', 0, 0);
        const QString count = spec.section('=', 1).section(':', 1);
        server.faults[file] = {kind, count.isEmpty() ? -1 : count.toInt()};
    }
    if (!server.listen()) {
        std::fprintf(stderr, "hub_stand_in: cannot listen on 127.0.0.1\n");
        return 1;
    }
    std::printf("hub=%d cdn=%d\n", server.hubPort(), server.cdnPort());
    std::fflush(stdout);
    return QCoreApplication::exec();
}
