// The `nanovlm` command line against hostile input: flags that parse as NaN, ids outside the
// vocabulary, a device as tokenizer, folder names that are not UTF-8 or carry terminal escapes,
// a FIFO as refs/main, an answer cut by the context, and a checkpoint truncated mid-answer.
// Each ends in a clear message and the right exit code, promptly, with valid JSON and no raw
// control characters on the terminal.

#include "../hub_cache_fixture.h"
#include "../process_run.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <filesystem>
#include <sys/stat.h> // mkdir, mkfifo
#include <unistd.h>   // truncate

using nanovlm::test::ProcessRun;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kMain = kFixtures + "/parity/main/ckpt";
const QString kImage = kFixtures + "/parity/main/64x64/image.png";

ProcessRun run_cli(const QStringList& args, const QByteArray& input = {},
                   QProcessEnvironment env = QProcessEnvironment::systemEnvironment()) {
    return nanovlm::test::run_process(QStringLiteral(NANOVLM_CLI), args, env, 30000, input);
}

// An isolated HOME and Hugging Face cache: `models` reads nothing of the real user's.
QProcessEnvironment isolated(const QString& root) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", root + "/home");
    env.insert("HF_HOME", root + "/hf");
    env.remove("HF_HUB_CACHE");
    env.remove("XDG_CONFIG_HOME");
    return env;
}

// Byte paths: a folder name that is not UTF-8 has no QString.
bool copy_checkpoint(const QByteArray& to) {
    namespace fs = std::filesystem;
    const fs::path dir(to.toStdString());
    const fs::path from(kMain.toStdString());
    std::error_code ec;
    fs::create_directories(dir, ec);
    return fs::copy_file(from / "config.json", dir / "config.json", ec) &&
           fs::copy_file(from / "model.safetensors", dir / "model.safetensors", ec);
}

// The entries found on disk (the shipped demo checkpoint is listed too).
std::size_t found_on_disk(const nlohmann::json& out) {
    std::size_t count = 0;
    for (const auto& m : out["models"]) {
        count += m["source"] != "built_in" ? 1 : 0;
    }
    return count;
}

bool has_control_bytes(const QByteArray& text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\n' && u != '\t') || u == 0x7f) {
            return true;
        }
    }
    return false;
}

} // namespace

class TestCliHostile : public QObject {
    Q_OBJECT

private slots:
    void non_finite_flags_are_usage_errors_data() {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("value");
        QTest::newRow("temperature nan") << "temperature"
                                         << "nan";
        QTest::newRow("temperature inf") << "temperature"
                                         << "inf";
        QTest::newRow("top-p nan") << "top-p"
                                   << "nan";
        QTest::newRow("top-p -nan") << "top-p"
                                    << "-nan";
    }
    void non_finite_flags_are_usage_errors() {
        QFETCH(QString, flag);
        QFETCH(QString, value);
        // A folder that does not exist: a flag accepted at parse time would fail on it instead.
        const ProcessRun run = run_cli(
            {"generate", "--model", kFixtures + "/nope", "--input-ids", "[1]", "--" + flag, value});
        QCOMPARE(run.exit_code, 2);
        QVERIFY2(run.err.contains("--" + flag), qPrintable(run.describe()));
    }

    void decode_rejects_ids_outside_the_vocabulary() {
        const QString tokenizer = hub_fixture::tokenizer_file();
        for (const QByteArray& line : {QByteArray("[1, 999999]\n"), QByteArray("[-5]\n")}) {
            const ProcessRun run =
                run_cli({"tokenize", "--tokenizer", tokenizer, "--decode"}, line);
            QCOMPARE(run.exit_code, 1);
            QVERIFY2(run.err.contains("not a token id"), qPrintable(run.describe()));
        }
        const ProcessRun good =
            run_cli({"tokenize", "--tokenizer", tokenizer, "--decode"}, "[28, 29]\n");
        QVERIFY2(good.exit_code == 0, qPrintable(good.describe()));
    }

    void tokenizer_that_is_a_device_says_so() {
        const ProcessRun run = run_cli({"tokenize", "--tokenizer", "/dev/zero"}, "\"hi\"\n");
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("not a regular file") && !run.err.contains("not found"),
                 qPrintable(run.describe()));
    }

    void deep_json_on_stdin_is_an_error() {
        const QByteArray deep = QByteArray(100000, '[') + "1" + QByteArray(100000, ']') + "\n";
        const ProcessRun run =
            run_cli({"tokenize", "--tokenizer", hub_fixture::tokenizer_file(), "--decode"}, deep);
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("nested deeper"), qPrintable(run.describe()));
    }

    void odd_folder_names_keep_the_listing_whole() {
        QTemporaryDir root;
        const QByteArray folder = root.path().toLocal8Bit() + "/models";
        QVERIFY(QDir().mkpath(QString::fromLocal8Bit(folder)));
        // Not UTF-8, and an ANSI escape that would turn the terminal red.
        const QByteArray odd = folder + "/nanoVLM-\xff\xfe-\x1b[31mred\r";
        QVERIFY(copy_checkpoint(odd));
        QVERIFY(copy_checkpoint(folder + "/nanoVLM-plain"));
        const QProcessEnvironment env = isolated(root.path());
        const QStringList args = {"models", "--folder", QString::fromLocal8Bit(folder)};

        const ProcessRun json = run_cli(args + QStringList{"--json"}, {}, env);
        QVERIFY2(json.exit_code == 0, qPrintable(json.describe()));
        const auto out = nlohmann::json::parse(json.out.toStdString());
        QCOMPARE(found_on_disk(out), std::size_t(2));
        QVERIFY(!has_control_bytes(json.out));

        const ProcessRun text = run_cli(args, {}, env);
        QVERIFY2(text.exit_code == 0, qPrintable(text.describe()));
        QVERIFY2(!has_control_bytes(text.out), text.out.constData());
        QVERIFY2(text.out.contains("\\x1b[31mred"), text.out.constData());
        // QDir cannot name a folder that is not UTF-8 to remove it.
        std::error_code ec;
        std::filesystem::remove_all(std::filesystem::path(odd.toStdString()), ec);
    }

    void fifo_as_refs_main_does_not_hang_models() {
        QTemporaryDir root;
        const QString hub = root.path() + "/hf/hub";
        QVERIFY(hub_fixture::add_snapshot(hub, "someone/nanoVLM-fifo", hub_fixture::revision('a'),
                                          hub_fixture::checkpoint_files("main"), true));
        const QString ref = hub + "/models--someone--nanoVLM-fifo/refs/main";
        QVERIFY(QFile::remove(ref));
        QCOMPARE(::mkfifo(ref.toLocal8Bit().constData(), 0600), 0);
        const ProcessRun run = run_cli({"models", "--json"}, {}, isolated(root.path()));
        QVERIFY2(run.exit_code == 0, qPrintable(run.describe()));
        QCOMPARE(found_on_disk(nlohmann::json::parse(run.out.toStdString())), std::size_t(1));
    }

    void fifo_as_config_fails_generate_promptly() {
        QTemporaryDir dir;
        QVERIFY(copy_checkpoint(dir.path().toLocal8Bit()));
        QVERIFY(QFile::remove(dir.filePath("config.json")));
        QCOMPARE(::mkfifo(dir.filePath("config.json").toLocal8Bit().constData(), 0600), 0);
        const ProcessRun run = run_cli({"generate", "--model", dir.path(), "--input-ids", "[1]"});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains("not a regular file"), qPrintable(run.describe()));
    }

    void answer_cut_by_the_context_says_so() {
        QTemporaryDir dir;
        QVERIFY(copy_checkpoint(dir.path().toLocal8Bit()));
        QFile::remove(dir.filePath("config.json"));
        QVERIFY(hub_fixture::write(
            dir.filePath("config.json"),
            hub_fixture::edited_config("main", QJsonObject{{"lm_max_position_embeddings", 12}})));
        // Ten ids leave room for two answer tokens; a flat distribution does not end on its own.
        const ProcessRun run = run_cli(
            {"generate", "--model", dir.path(), "--tokenizer", hub_fixture::tokenizer_file(),
             "--input-ids", "[1, 28, 29, 30, 31, 32, 33, 34, 35, 36]", "--temperature", "100",
             "--top-k", "0", "--top-p", "1", "--max-new-tokens", "50"});
        QVERIFY2(run.exit_code == 0, qPrintable(run.describe()));
        QVERIFY2(run.err.contains("context") && run.err.contains("cut"),
                 qPrintable(run.describe()));
    }

    // The answer streams; the process is paused, its checkpoint truncated, and resumed: it must
    // end with the message, not die of SIGBUS.
    void checkpoint_truncated_mid_answer() {
        QTemporaryDir dir;
        QVERIFY(copy_checkpoint(dir.path().toLocal8Bit()));
        QProcess cli;
        cli.start(QStringLiteral(NANOVLM_CLI),
                  {"generate", "--model", dir.path(), "--tokenizer", hub_fixture::tokenizer_file(),
                   "--prompt", "Describe this.", "--image", kImage, "--temperature", "100",
                   "--top-k", "0", "--top-p", "1", "--max-new-tokens", "4000", "--threads", "1"});
        QVERIFY(cli.waitForStarted());
        QVERIFY2(cli.waitForReadyRead(30000), "no answer text appeared");
        ::kill(pid_t(cli.processId()), SIGSTOP);
        const QByteArray weights = dir.filePath("model.safetensors").toLocal8Bit();
        QCOMPARE(::truncate(weights.constData(), 4096), 0);
        ::kill(pid_t(cli.processId()), SIGCONT);
        QVERIFY(cli.waitForFinished(30000));
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(err.contains("changed while in use"), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCliHostile)
#include "tst_cli_hostile.moc"
