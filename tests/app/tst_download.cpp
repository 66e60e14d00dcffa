// Downloads from a local Hub stand-in (tests/tools/hub_stand_in, 127.0.0.1 only): the cache tree
// huggingface_hub would make, resume after a dropped connection, checksum, 401, 404, 5xx,
// HF_HUB_OFFLINE, a full disk, cancel, a non-nanoVLM repo, and the result usable by
// `nanovlm models` and `nanovlm generate`.

#include "../hub_stand_in_process.h"
#include "../process_run.h"

#include "download_manager.h"
#include "hub_api.h"
#include "hub_endpoint.h"
#include "snapshot_download.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QDirIterator>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using nanovlm::app::DownloadFailure;
using nanovlm::app::DownloadFailureKind;
using nanovlm::app::HubEndpoint;
using nanovlm::app::SnapshotDownload;
using nanovlm::test::HubStandIn;

namespace {

const QString kRepo = QStringLiteral("lusxvr/nanoVLM-230M-8k");
const QString kTokenizerRepo = QStringLiteral("HuggingFaceTB/SmolLM2-360M-Instruct");

QByteArray fixture(const QString& path) {
    QFile file(QStringLiteral(NANOVLM_FIXTURES) + "/" + path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
QString sha256(const QByteArray& bytes) {
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}
QString gitSha1(const QByteArray& bytes) {
    return QString::fromLatin1(
        QCryptographicHash::hash("blob " + QByteArray::number(bytes.size()) + '\0' + bytes,
                                 QCryptographicHash::Sha1)
            .toHex());
}
QString commitOf(const QString& repo) { // how the stand-in names its commits
    return QString::fromLatin1(
        QCryptographicHash::hash(repo.toUtf8(), QCryptographicHash::Sha1).toHex());
}

// Every path under `root`, relative, with "-> target" for links: the cache tree to compare.
QStringList tree(const QString& root) {
    QStringList out;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        QString line = QDir(root).relativeFilePath(info.filePath());
        if (info.isSymLink()) {
            char target[4096];
            const ssize_t n =
                ::readlink(QFile::encodeName(info.filePath()).constData(), target, sizeof target);
            line += " -> " + QString::fromUtf8(target, n > 0 ? int(n) : 0);
        } else if (info.isDir()) {
            line += "/";
        }
        out.push_back(line);
    }
    out.sort();
    return out;
}

struct Outcome {
    std::optional<DownloadFailure> failure;
    bool finished = false;
};

class Download {
public:
    Download(const HubStandIn& hub, const QString& cache, const QString& repo = kRepo,
             const QString& revision = "main", const QByteArray& token = {}) {
        HubEndpoint endpoint;
        endpoint.endpoint = QUrl(hub.endpoint());
        endpoint.cache = cache;
        endpoint.token = token;
        job = std::make_unique<SnapshotDownload>(repo, revision, endpoint);
        job->setRetryPolicy(0, 10);
        QObject::connect(job.get(), &SnapshotDownload::finished,
                         [this](std::optional<DownloadFailure> f) {
                             outcome.failure = f;
                             outcome.finished = true;
                         });
        QObject::connect(job.get(), &SnapshotDownload::status,
                         [this](const QString& s) { statuses.push_back(s); });
        QObject::connect(job.get(), &SnapshotDownload::progress,
                         [this](qint64 done, qint64 total, double, double, const QString&) {
                             last_done = done;
                             last_total = total;
                         });
    }
    Outcome run(int timeout_ms = 30000) {
        job->start();
        QDeadlineTimer deadline(timeout_ms);
        while (!outcome.finished && !deadline.hasExpired()) {
            QTest::qWait(10);
        }
        if (!outcome.finished) {
            outcome.failure = DownloadFailure{DownloadFailureKind::Other, "timed out"};
        }
        return outcome;
    }
    std::unique_ptr<SnapshotDownload> job;
    Outcome outcome;
    QStringList statuses;
    qint64 last_done = 0, last_total = 0;
};

QString kindName(const Outcome& o) {
    return o.failure
               ? nanovlm::app::downloadFailureName(o.failure->kind) + ": " + o.failure->message
               : QStringLiteral("success");
}

nanovlm::test::ProcessRun runCli(const QStringList& args, const QString& endpoint,
                                 const QString& hfHome, const QStringList& extraEnv = {}) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HF_ENDPOINT", endpoint);
    env.insert("HF_HOME", hfHome);
    env.insert("HOME", hfHome);
    env.remove("HF_HUB_CACHE");
    env.remove("HF_TOKEN");
    env.remove("HF_HUB_OFFLINE");
    env.remove("XDG_CONFIG_HOME");
    for (const QString& pair : extraEnv) {
        env.insert(pair.section('=', 0, 0), pair.section('=', 1));
    }
    return nanovlm::test::run_process(QStringLiteral(NANOVLM_CLI), args, env, 60000);
}

} // namespace

class TestDownload : public QObject {
    Q_OBJECT

private slots:
    // `nanovlm download --json` with a token: the tree huggingface_hub makes, the token only
    // to the Hub's host, then listed usable and answering a question.
    void cliDownloadMakesTheHuggingFaceCacheTree() {
        HubStandIn hub({"--token", "secret"});
        QVERIFY(hub.running());
        QTemporaryDir home;
        const auto run =
            runCli({"download", kRepo, "--json"}, hub.endpoint(), home.path(), {"HF_TOKEN=secret"});
        QVERIFY2(run.exit_code == 0, qPrintable(run.describe()));
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QVERIFY(lines.size() >= 2);
        int progress_events = 0;
        for (const QByteArray& line : lines.mid(0, lines.size() - 1)) {
            const auto event = nlohmann::json::parse(line.toStdString());
            progress_events += event["event"] == "progress";
        }
        QVERIFY(progress_events > 0);
        const auto result = nlohmann::json::parse(lines.last().toStdString());
        const QString commit = commitOf(kRepo);
        const QString folder = home.path() + "/hub/models--lusxvr--nanoVLM-230M-8k";
        QCOMPARE(QString::fromStdString(result["repo"]), kRepo);
        QCOMPARE(QString::fromStdString(result["revision"]), QStringLiteral("main"));
        QCOMPARE(QString::fromStdString(result["commit"]), commit);
        QCOMPARE(QString::fromStdString(result["directory"]), folder + "/snapshots/" + commit);
        const QByteArray config = fixture("parity/main/ckpt/config.json");
        const QByteArray weights = fixture("parity/main/ckpt/model.safetensors");
        const QByteArray readme = "# A tiny random nanoVLM for tests\n";
        QCOMPARE(result["bytes"].get<qint64>(), config.size() + weights.size() + readme.size());
        QCOMPARE(result["files"].size(), 3u);

        // What huggingface_hub would have written for these files, byte for byte.
        const QString c = gitSha1(config), w = sha256(weights), r = gitSha1(readme);
        QStringList expected = {"blobs/",
                                "blobs/" + c,
                                "blobs/" + w,
                                "blobs/" + r,
                                "refs/",
                                "refs/main",
                                "snapshots/",
                                "snapshots/" + commit + "/",
                                "snapshots/" + commit + "/config.json -> ../../blobs/" + c,
                                "snapshots/" + commit + "/model.safetensors -> ../../blobs/" + w,
                                "snapshots/" + commit + "/README.md -> ../../blobs/" + r};
        expected.sort();
        QCOMPARE(tree(folder), expected);
        QFile ref(folder + "/refs/main");
        QVERIFY(ref.open(QIODevice::ReadOnly));
        QCOMPARE(ref.readAll(), commit.toLatin1()); // no newline
        QFile blob(folder + "/blobs/" + w);
        QVERIFY(blob.open(QIODevice::ReadOnly));
        QCOMPARE(blob.readAll(), weights);

        // The tokenizer repo: tokenizer.json and tokenizer_config.json, not its other files.
        const QString tok = home.path() + "/hub/models--HuggingFaceTB--SmolLM2-360M-Instruct";
        const QString tc = commitOf(kTokenizerRepo);
        const QStringList tok_tree = tree(tok);
        QVERIFY2(tok_tree.contains("snapshots/" + tc + "/tokenizer.json -> ../../blobs/" +
                                   gitSha1(fixture("tokenizer/tokenizer.json"))),
                 qPrintable(tok_tree.join('\n')));
        QVERIFY(tok_tree.contains("refs/main"));
        QVERIFY(!tok_tree.join('\n').contains("vocab.json"));
        QCOMPARE(QString::fromStdString(result["tokenizer"]),
                 tok + "/snapshots/" + tc + "/tokenizer.json");

        // The token went to the Hub's host, never to the CDN.
        int hub_with_token = 0, cdn_requests = 0;
        for (const QJsonObject& req : hub.requests()) {
            if (req["host"] == "cdn") {
                ++cdn_requests;
                QCOMPARE(req["authorization"].toString(), QString());
            } else {
                hub_with_token += req["authorization"] == "Bearer secret";
            }
        }
        QVERIFY(cdn_requests >= 1);
        QVERIFY(hub_with_token >= 4);

        // Usable at once: listed by `nanovlm models`, and it answers.
        const auto models = runCli({"models", "--json"}, hub.endpoint(), home.path());
        QVERIFY2(models.exit_code == 0, qPrintable(models.describe()));
        const auto listed = nlohmann::json::parse(models.out.toStdString());
        bool usable = false;
        for (const auto& m : listed["models"]) {
            if (m["name"] == kRepo.toStdString()) {
                usable = m["usable"].get<bool>();
                QCOMPARE(QString::fromStdString(m["directory"]), folder + "/snapshots/" + commit);
            }
        }
        QVERIFY2(usable, models.out.constData());
        const auto answer =
            runCli({"generate", "--model", folder + "/snapshots/" + commit, "--image",
                    QStringLiteral(NANOVLM_FIXTURES) + "/parity/main/64x64/image.png", "--prompt",
                    "What is this?", "--max-new-tokens", "4", "--json"},
                   hub.endpoint(), home.path());
        QVERIFY2(answer.exit_code == 0, qPrintable(answer.describe()));
        QVERIFY(nlohmann::json::parse(answer.out.toStdString()).contains("text"));
    }

    // Dropped at half: the partial file stays; the next run asks only for the rest.
    void droppedConnectionResumesWithRange() {
        HubStandIn hub({"--fault", "model.safetensors=drop-half:1"});
        QTemporaryDir cache;
        const QByteArray weights = fixture("parity/main/ckpt/model.safetensors");
        const QString folder = cache.path() + "/models--lusxvr--nanoVLM-230M-8k";
        {
            Download first(hub, cache.path());
            const Outcome o = first.run();
            QVERIFY2(o.failure && o.failure->kind == DownloadFailureKind::Dropped,
                     qPrintable(kindName(o)));
            QVERIFY(o.failure->message.contains("resume"));
            QCOMPARE(QFileInfo(folder + "/blobs/" + sha256(weights) + ".incomplete").size(),
                     weights.size() / 2);
            QVERIFY(!QFileInfo::exists(folder + "/snapshots")); // nothing unverified linked
        }
        Download second(hub, cache.path());
        const Outcome o = second.run();
        QVERIFY2(!o.failure, qPrintable(kindName(o)));
        const auto gets = hub.cdnGets(sha256(weights));
        QCOMPARE(int(gets.size()), 2);
        QCOMPARE(gets[0]["body_bytes"].toInt(), int(weights.size() / 2));
        QCOMPARE(gets[1]["range"].toString(), QStringLiteral("bytes=%1-").arg(weights.size() / 2));
        QCOMPARE(gets[1]["body_bytes"].toInt(), int(weights.size() - weights.size() / 2));
        QFile blob(folder + "/blobs/" + sha256(weights));
        QVERIFY(blob.open(QIODevice::ReadOnly));
        QCOMPARE(blob.readAll(), weights);
        QVERIFY(!QFileInfo::exists(folder + "/blobs/" + sha256(weights) + ".incomplete"));
    }

    // With retries on, the same drop is resumed within the run.
    void droppedConnectionIsRetriedInTheSameRun() {
        HubStandIn hub({"--fault", "model.safetensors=drop-half:1"});
        QTemporaryDir cache;
        Download d(hub, cache.path());
        d.job->setRetryPolicy(2, 10);
        const Outcome o = d.run();
        QVERIFY2(!o.failure, qPrintable(kindName(o)));
        QCOMPARE(int(hub.cdnGets(sha256(fixture("parity/main/ckpt/model.safetensors"))).size()), 2);
        QCOMPARE(d.last_done, d.last_total);
    }

    void wrongChecksumDeletesThePartialFile() {
        HubStandIn hub({"--fault", "model.safetensors=wrong-checksum:1"});
        QTemporaryDir cache;
        const QString folder = cache.path() + "/models--lusxvr--nanoVLM-230M-8k";
        const QString blob =
            folder + "/blobs/" + sha256(fixture("parity/main/ckpt/model.safetensors"));
        Download d(hub, cache.path());
        const Outcome o = d.run();
        QVERIFY2(o.failure && o.failure->kind == DownloadFailureKind::Checksum,
                 qPrintable(kindName(o)));
        QVERIFY(o.failure->message.contains("deleted"));
        QVERIFY(!QFileInfo::exists(blob));
        QVERIFY(!QFileInfo::exists(blob + ".incomplete"));
        QVERIFY(!QFileInfo::exists(folder + "/snapshots"));
        Download again(hub, cache.path()); // the fault was once: now it arrives whole
        QVERIFY2(!again.run().failure, qPrintable(kindName(again.outcome)));
        QVERIFY(QFileInfo(blob).isFile());
    }

    void unauthorizedSaysToLogIn() {
        HubStandIn hub({"--token", "secret"});
        QTemporaryDir cache;
        Download d(hub, cache.path());
        const Outcome o = d.run();
        QVERIFY2(o.failure && o.failure->kind == DownloadFailureKind::Unauthorized,
                 qPrintable(kindName(o)));
        QVERIFY(o.failure->message.contains("HF_TOKEN"));
        Download wrong(hub, cache.path(), kRepo, "main", "not-the-token");
        QCOMPARE(kindName(wrong.run()).section(':', 0, 0), QStringLiteral("unauthorized"));
        Download right(hub, cache.path(), kRepo, "main", "secret");
        QVERIFY2(!right.run().failure, qPrintable(kindName(right.outcome)));
        // The CLI: exit 1, the reason on stderr.
        QTemporaryDir home;
        const auto run = runCli({"download", kRepo}, hub.endpoint(), home.path());
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("HF_TOKEN"), qPrintable(run.err));
    }

    void gatedFileIsUnauthorized() {
        HubStandIn hub({"--fault", "model.safetensors=unauthorized"});
        QTemporaryDir cache;
        Download d(hub, cache.path());
        QCOMPARE(kindName(d.run()).section(':', 0, 0), QStringLiteral("unauthorized"));
    }

    void missingRepoRevisionOrFileIsNotFound() {
        HubStandIn hub({"--fault", "README.md=not-found"});
        QTemporaryDir cache;
        Download repo(hub, cache.path(), "lusxvr/no-such-model");
        QCOMPARE(kindName(repo.run()).section(':', 0, 0), QStringLiteral("not_found"));
        Download rev(hub, cache.path(), kRepo, "no-such-branch");
        QCOMPARE(kindName(rev.run()).section(':', 0, 0), QStringLiteral("not_found"));
        Download file(hub, cache.path());
        const Outcome o = file.run();
        QVERIFY2(o.failure && o.failure->kind == DownloadFailureKind::NotFound,
                 qPrintable(kindName(o)));
        QVERIFY(o.failure->message.contains("README.md"));
        Download bad(hub, cache.path(), "not a repo");
        QCOMPARE(kindName(bad.run()).section(':', 0, 0), QStringLiteral("not_found"));
        QVERIFY(hub.requests().size() >= 3);
    }

    void serverErrorThenOkIsRetried() {
        HubStandIn hub({"--fault", "model.safetensors=server-error:2"});
        QTemporaryDir cache;
        Download d(hub, cache.path());
        d.job->setRetryPolicy(3, 20);
        const Outcome o = d.run();
        QVERIFY2(!o.failure, qPrintable(kindName(o)));
        QVERIFY(d.statuses.join('\n').contains("Trying again"));
        int errors = 0;
        for (const QJsonObject& r : hub.requests()) {
            errors += r["status"].toInt() >= 500;
        }
        QCOMPARE(errors, 2);
        // Without retries the same error is reported, resumable.
        HubStandIn hub2({"--fault", "model.safetensors=server-error:1"});
        QTemporaryDir cache2;
        Download once(hub2, cache2.path());
        const Outcome o2 = once.run();
        QVERIFY2(o2.failure && o2.failure->kind == DownloadFailureKind::Server,
                 qPrintable(kindName(o2)));
    }

    void offlineAsksNothing() {
        HubStandIn hub;
        QTemporaryDir home;
        const auto before = runCli({"download", kRepo, "--json"}, hub.endpoint(), home.path(),
                                   {"HF_HUB_OFFLINE=1"});
        QCOMPARE(before.exit_code, 1);
        QVERIFY2(before.err.contains("HF_HUB_OFFLINE"), qPrintable(before.err));
        QCOMPARE(int(hub.requests().size()), 0);
        QCOMPARE(runCli({"download", kRepo}, hub.endpoint(), home.path()).exit_code, 0);
        const std::size_t asked = hub.requests().size();
        const auto after = runCli({"download", kRepo, "--json"}, hub.endpoint(), home.path(),
                                  {"HF_HUB_OFFLINE=1"});
        QVERIFY2(after.exit_code == 0, qPrintable(after.describe()));
        QCOMPARE(hub.requests().size(), asked);
        const auto result =
            nlohmann::json::parse(after.out.trimmed().split('\n').last().toStdString());
        QCOMPARE(result["commit"].get<std::string>(), commitOf(kRepo).toStdString());
        QVERIFY(result["from_cache"].get<bool>());
    }

    // Not enough space is found from the sizes before any weights are asked for. The free space
    // is injected (SnapshotDownload::setFreeSpaceQuery): a real small filesystem needs root to
    // mount, and RLIMIT_FSIZE (writeFailureKeepsThePartialFile) only shows a failing write.
    void notEnoughDiskSpaceStopsBeforeTheWeights() {
        HubStandIn hub;
        QTemporaryDir cache;
        Download d(hub, cache.path());
        QString asked_about;
        d.job->setFreeSpaceQuery([&](const QString& dir) {
            asked_about = dir;
            return qint64(100000);
        });
        const Outcome o = d.run();
        QVERIFY2(o.failure && o.failure->kind == DownloadFailureKind::DiskFull,
                 qPrintable(kindName(o)));
        QVERIFY(o.failure->message.contains("100.0 kB"));
        QCOMPARE(asked_about, cache.path());
        QVERIFY(hub.cdnGets("blobs").empty());
    }

    // A write that fails midway (the file-size limit standing in for a full disk): reported as
    // such, the partial file kept to resume once there is room.
    void writeFailureKeepsThePartialFile() {
        HubStandIn hub;
        QTemporaryDir cache;
        Download d(hub, cache.path());
        struct rlimit old {};
        ::getrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 500000;
        ::setrlimit(RLIMIT_FSIZE, &small);
        const Outcome o = d.run();
        ::setrlimit(RLIMIT_FSIZE, &old);
        QVERIFY2(o.failure && o.failure->kind == DownloadFailureKind::DiskFull,
                 qPrintable(kindName(o)));
        const QString partial = cache.path() + "/models--lusxvr--nanoVLM-230M-8k/blobs/" +
                                sha256(fixture("parity/main/ckpt/model.safetensors")) +
                                ".incomplete";
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY(kept > 0);
        Download again(hub, cache.path());
        QVERIFY2(!again.run().failure, qPrintable(kindName(again.outcome)));
        QCOMPARE(hub.cdnGets("blobs").back()["range"].toString(),
                 QStringLiteral("bytes=%1-").arg(kept));
    }

    void cancelDeletesThePartialFile() {
        HubStandIn hub({"--rate", "200000"});
        QTemporaryDir cache;
        Download d(hub, cache.path());
        d.job->start();
        QTRY_VERIFY_WITH_TIMEOUT(d.last_done > 50000, 20000);
        const QString partial = cache.path() + "/models--lusxvr--nanoVLM-230M-8k/blobs/" +
                                sha256(fixture("parity/main/ckpt/model.safetensors")) +
                                ".incomplete";
        QVERIFY(QFileInfo::exists(partial));
        d.job->cancel();
        QVERIFY(d.outcome.finished);
        QCOMPARE(kindName(d.outcome).section(':', 0, 0), QStringLiteral("cancelled"));
        QVERIFY(!QFileInfo::exists(partial));
        QVERIFY(!QFileInfo::exists(cache.path() + "/models--lusxvr--nanoVLM-230M-8k/snapshots"));
    }

    void pauseKeepsThePartialFileAndResumes() {
        HubStandIn hub({"--rate", "400000"});
        QTemporaryDir cache;
        Download d(hub, cache.path());
        d.job->start();
        QTRY_VERIFY_WITH_TIMEOUT(d.last_done > 100000, 20000);
        d.job->pause();
        QCOMPARE(kindName(d.outcome).section(':', 0, 0), QStringLiteral("cancelled"));
        const QString partial = cache.path() + "/models--lusxvr--nanoVLM-230M-8k/blobs/" +
                                sha256(fixture("parity/main/ckpt/model.safetensors")) +
                                ".incomplete";
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY(kept > 0);
        d.outcome = {};
        d.job->start();
        QTRY_VERIFY_WITH_TIMEOUT(d.outcome.finished, 30000);
        QVERIFY2(!d.outcome.failure, qPrintable(kindName(d.outcome)));
        QVERIFY(hub.cdnGets("blobs").back()["range"].toString().startsWith("bytes="));
    }

    void notNanoVlmIsRefusedBeforeTheWeights() {
        HubStandIn hub;
        QTemporaryDir cache;
        Download d(hub, cache.path(), "test/not-a-nanovlm");
        const Outcome o = d.run();
        QVERIFY2(o.failure && o.failure->kind == DownloadFailureKind::NotNanoVlm,
                 qPrintable(kindName(o)));
        QVERIFY(hub.cdnGets("blobs").empty());
    }

    // The environment every Hugging Face tool reads: the token file under HF_HOME when
    // HF_TOKEN is unset, the endpoint without its trailing slash, the offline switch.
    void endpointReadsTheHuggingFaceEnvironment() {
        QTemporaryDir home;
        QFile token(home.filePath("token"));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("hf_from_file\n");
        token.close();
        qputenv("HF_HOME", home.path().toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_TOKEN_PATH");
        qunsetenv("HF_HUB_CACHE");
        qputenv("HF_ENDPOINT", "http://127.0.0.1:1234/");
        qputenv("HF_HUB_OFFLINE", "1");
        HubEndpoint hub = HubEndpoint::fromEnvironment();
        QCOMPARE(hub.token, QByteArray("hf_from_file"));
        QCOMPARE(hub.cache, home.path() + "/hub");
        QVERIFY(hub.offline);
        QCOMPARE(hub.resolveUrl(kRepo, "main", "config.json").toString(),
                 QStringLiteral(
                     "http://127.0.0.1:1234/lusxvr/nanoVLM-230M-8k/resolve/main/config.json"));
        QCOMPARE(hub.request(QUrl("http://127.0.0.1:1234/x")).rawHeader("Authorization"),
                 QByteArray("Bearer hf_from_file"));
        QVERIFY(!hub.request(QUrl("http://127.0.0.1:1235/x")).hasRawHeader("Authorization"));
        qputenv("HF_TOKEN", "hf_from_env");
        qputenv("HF_HUB_OFFLINE", "0");
        hub = HubEndpoint::fromEnvironment();
        QCOMPARE(hub.token, QByteArray("hf_from_env"));
        QVERIFY(!hub.offline);
        for (const char* name : {"HF_HOME", "HF_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE"}) {
            qunsetenv(name);
        }
    }

    // A renamed repo: HEAD follows the Hub's relative redirect, not the CDN's absolute one.
    void metadataFollowsRelativeRedirects() {
        HubStandIn hub;
        QNetworkAccessManager network;
        HubEndpoint endpoint;
        endpoint.endpoint = QUrl(hub.endpoint());
        nanovlm::app::HubApi api(&network, endpoint);
        const QByteArray weights = fixture("parity/main/ckpt/model.safetensors");
        std::optional<nanovlm::app::HubResult<nanovlm::app::FileMetadata>> answer;
        api.metadata(endpoint.resolveUrl("old-name/nanoVLM-230M-8k", "main", "model.safetensors"),
                     "model.safetensors", [&](auto result) { answer = result; });
        QTRY_VERIFY(answer.has_value());
        const auto* meta = std::get_if<nanovlm::app::FileMetadata>(&*answer);
        QVERIFY(meta != nullptr);
        QCOMPARE(meta->etag, sha256(weights));
        QCOMPARE(meta->size, qint64(weights.size()));
        QCOMPARE(meta->commit, commitOf(kRepo));
        QCOMPARE(meta->location.port(), hub.cdnPort());
        QCOMPARE(nanovlm::app::normalizedEtag("W/\"abc\""), QStringLiteral("abc"));
    }

    // The picker's manager: a download under way when the app quits goes on from its partial
    // file when the app starts again.
    void managerResumesAfterRestart() {
        HubStandIn hub({"--rate", "400000"});
        QTemporaryDir cache, settings;
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
        QCoreApplication::setOrganizationName("nanovlm-tests");
        QCoreApplication::setApplicationName("tst_download");
        qputenv("HF_ENDPOINT", hub.endpoint().toUtf8());
        qputenv("HF_HUB_CACHE", cache.path().toUtf8());
        const QString partial = cache.path() + "/models--lusxvr--nanoVLM-230M-8k/blobs/" +
                                sha256(fixture("parity/main/ckpt/model.safetensors")) +
                                ".incomplete";
        {
            nanovlm::app::DownloadManager manager;
            QCOMPARE(manager.indexOf(kRepo), 0); // the recommended one first
            manager.download(kRepo);
            QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() > 100000, 20000);
        } // the app quits
        QVERIFY(QFileInfo::exists(partial));
        nanovlm::app::DownloadManager again;
        QSignalSpy done(&again, &nanovlm::app::DownloadManager::downloaded);
        QVERIFY(done.wait(30000));
        QCOMPARE(done.first().at(0).toString(), kRepo);
        QVERIFY(hub.cdnGets("blobs").back()["range"].toString().startsWith("bytes="));
        const QModelIndex row = again.index(again.indexOf(kRepo));
        QCOMPARE(row.data(nanovlm::app::DownloadManager::StateRole).toString(),
                 QStringLiteral("downloaded"));
        qunsetenv("HF_ENDPOINT");
        qunsetenv("HF_HUB_CACHE");
    }

    void noNetworkShowsTheManualCommand() {
        QTemporaryDir home;
        // A port nothing listens on: take one, then close it.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const QString endpoint = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
        probe.close();
        const auto run = runCli({"download", kRepo}, endpoint, home.path());
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("huggingface-cli download " + kRepo), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestDownload)

#include "tst_download.moc"
