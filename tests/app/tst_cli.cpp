// The `nanovlm` command line as scripts use it: the contract of DESIGN.md §4, checked against the
// PyTorch nanoVLM fixtures, and every bad input ending in a clear message and a non-zero exit.

#include "../process_run.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kTokenizer = kFixtures + "/tokenizer/tokenizer.json";

nlohmann::json read_json(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

using nanovlm::test::ProcessRun;

ProcessRun run_cli(const QStringList& args, const QByteArray& input = {}) {
    return nanovlm::test::run_process(QStringLiteral(NANOVLM_CLI), args,
                                      QProcessEnvironment::systemEnvironment(), 60000, input);
}

QString ids_text(const nlohmann::json& ids) {
    return QString::fromStdString(ids.dump());
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private:
    static void add_case_rows() {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("ckpt");
        QTest::addColumn<QString>("question");
        const auto cases = read_json(kFixtures + "/parity/cases.json")["cases"];
        for (const auto& c : cases) {
            const QString image = QString::fromStdString(c["image"].get<std::string>());
            const QString prompt = QString::fromStdString(c["prompt"].get<std::string>());
            // The question inside the case's prompt text, whatever the generation's format.
            const auto match =
                QRegularExpression(QStringLiteral("(?:\\{image\\}(?!Question)|Question: )(.*?)"
                                                  "(?:<\\|im_end\\|>| Answer:)"))
                    .match(prompt);
            QTest::newRow(c["name"].get<std::string>().c_str())
                << kFixtures + "/parity/" + image.left(image.lastIndexOf('/'))
                << kFixtures + "/parity/" + QString::fromStdString(c["ckpt"].get<std::string>())
                << match.captured(1);
        }
    }

private slots:
    void input_ids_reproduce_pytorch_data() { add_case_rows(); }
    void input_ids_reproduce_pytorch() {
        QFETCH(QString, dir);
        QFETCH(QString, ckpt);
        const auto c = read_json(dir + "/case.json");
        const auto oracle = read_json(dir + "/oracle.json");
        const ProcessRun run =
            run_cli({"generate", "--model", ckpt, "--input-ids", ids_text(c["ids"]), "--image",
                     dir + "/image.png", "--greedy", "--max-new-tokens",
                     QString::number(c["new_tokens"].get<int>()), "--json", "--top-logits", "10"});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const auto out = nlohmann::json::parse(run.out.toStdString());
        QCOMPARE(ids_text(out["ids"]), ids_text(oracle["generated_ids"]));
        QCOMPARE(out["top_logits"].size(), std::size_t(10));
        QCOMPARE(out["top_logits"][0][0].get<int>(), oracle["logits_last"]["ids"][0].get<int>());
        QVERIFY(std::abs(out["top_logits"][0][1].get<double>() -
                         oracle["logits_last"]["values"][0].get<double>()) < 1e-4 * 0.25);
        QCOMPARE(out["image_tokens"].get<int>(), oracle["image_embd"]["shape"][0].get<int>() *
                                                     oracle["image_embd"]["shape"][1].get<int>());
        QVERIFY(out["timings"].contains("ttft_ms"));
    }

    // --prompt builds the ids itself (tokenizer + the generation's prompt format); the answer
    // must be the one PyTorch gave for the exact reference ids.
    void prompt_builds_reference_ids_data() { add_case_rows(); }
    void prompt_builds_reference_ids() {
        QFETCH(QString, dir);
        QFETCH(QString, ckpt);
        QFETCH(QString, question);
        QVERIFY2(!question.isEmpty(), "the case's question was not found in its prompt");
        const auto c = read_json(dir + "/case.json");
        const auto oracle = read_json(dir + "/oracle.json");
        const ProcessRun run =
            run_cli({"generate", "--model", ckpt, "--tokenizer", kTokenizer, "--prompt", question,
                     "--image", dir + "/image.png", "--greedy", "--max-new-tokens",
                     QString::number(c["new_tokens"].get<int>()), "--json"});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const auto out = nlohmann::json::parse(run.out.toStdString());
        QCOMPARE(ids_text(out["ids"]), ids_text(oracle["generated_ids"]));
        QCOMPARE(out["prompt_tokens"].get<int>(),
                 oracle.value("sequence_length", int(c["ids"].size())));
        QVERIFY2(!out["text"].get<std::string>().empty(), "the answer text is empty");
    }

    void streams_text_without_json() {
        const QString dir = kFixtures + "/parity/main/64x64";
        const ProcessRun run =
            run_cli({"generate", "--model", kFixtures + "/parity/main/ckpt", "--tokenizer",
                     kTokenizer, "--prompt", "Caption this.", "--image", dir + "/image.png",
                     "--max-new-tokens", "8", "--seed", "3"});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        QVERIFY2(run.out.trimmed().size() > 0, "no answer text on stdout");
        QVERIFY(run.out.endsWith('\n'));
        // The same seed gives the same sampled answer.
        const ProcessRun again =
            run_cli({"generate", "--model", kFixtures + "/parity/main/ckpt", "--tokenizer",
                     kTokenizer, "--prompt", "Caption this.", "--image", dir + "/image.png",
                     "--max-new-tokens", "8", "--seed", "3"});
        QCOMPARE(again.out, run.out);
    }

    void inspect_describes_checkpoint() {
        const ProcessRun run =
            run_cli({"inspect", "--model", kFixtures + "/parity/v0.2/ckpt", "--json"});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const auto out = nlohmann::json::parse(run.out.toStdString());
        QCOMPARE(out["generation"].get<std::string>(), std::string("v0.2"));
        QCOMPARE(out["image_tokens_per_tile"].get<int>(), 4);
        QCOMPARE(out["language"]["vocab"].get<int>(), 49153);
        QVERIFY(out["parameters"].get<long long>() > 400000);
        // The same memory estimate as the model picker's (`nanovlm models`) for this float32
        // checkpoint.
        const ProcessRun models =
            run_cli({"models", "--json", "--model", kFixtures + "/parity/v0.2/ckpt"});
        QVERIFY2(models.exit_code == 0, qPrintable(models.err));
        const auto listed = nlohmann::json::parse(models.out.toStdString())["models"];
        const auto named = std::find_if(listed.begin(), listed.end(), [](const auto& m) {
            return m["source"] == "command_line";
        });
        QVERIFY2(named != listed.end(), models.out.constData());
        QCOMPARE((*named)["memory_estimate_bytes"].get<std::size_t>(),
                 out["memory_estimate_bytes"].get<std::size_t>());
    }

    void bench_reports_every_figure() {
        const QString dir = kFixtures + "/parity/main/64x64";
        const QStringList args = {"bench",
                                  "--model",
                                  kFixtures + "/parity/main/ckpt",
                                  "--tokenizer",
                                  kTokenizer,
                                  "--image",
                                  dir + "/image.png",
                                  "--prompt",
                                  "Caption this.",
                                  "--new-tokens",
                                  "3",
                                  "--repeat",
                                  "2"};
        const ProcessRun run = run_cli(args + QStringList{"--json"});
        QVERIFY2(run.exit_code == 0, qPrintable(run.describe()));
        const auto out = nlohmann::json::parse(run.out.toStdString());
        for (const char* key : {"load_ms", "image_encode_ms", "prefill_ms", "ttft_ms",
                                "decode_tokens_per_s", "peak_rss_mb"}) {
            QVERIFY2(out[key].is_number() && out[key].get<double>() > 0, key);
        }
        QCOMPARE(out["repeat"].get<int>(), 2);
        QCOMPARE(out["decode_tokens"].get<int>(), 3);
        QCOMPARE(out["weights"].get<std::string>(), std::string("f32"));
        QVERIFY(!out["matrix_kernels"].get<std::string>().empty());
        // The prompt holds the picture's tokens and the question's, and the first token waits
        // for both the picture and the prompt.
        QVERIFY(out["image_tokens"].get<int>() > 0);
        QVERIFY(out["prefill_tokens"].get<int>() > out["image_tokens"].get<int>());
        QVERIFY(out["ttft_ms"].get<double>() >=
                out["image_encode_ms"].get<double>() + out["prefill_ms"].get<double>());

        const ProcessRun table = run_cli(args);
        QVERIFY2(table.exit_code == 0, qPrintable(table.describe()));
        for (const char* figure : {"ttft_ms", "decode_tokens_per_s", "matrix_kernels"}) {
            QVERIFY2(table.out.contains(figure), table.out.constData());
        }
    }

    void bad_input_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString main = kFixtures + "/parity/main/ckpt";
        const QString image = kFixtures + "/parity/main/64x64/image.png";
        const QString bad = kFixtures + "/bad_images/";
        const QStringList ids = {"generate", "--model", main, "--greedy", "--json", "--input-ids"};
        QTest::newRow("not an image")
            << (ids + QStringList{"[1]", "--image", bad + "not_an_image.png"}) << "not an image";
        QTest::newRow("0-byte image")
            << (ids + QStringList{"[1]", "--image", bad + "empty.png"}) << "empty";
        QTest::newRow("30000x30000 png")
            << (ids + QStringList{"[1]", "--image", bad + "huge_30000x30000.png"})
            << "30000 x 30000";
        QTest::newRow("truncated png")
            << (ids + QStringList{"[1]", "--image", bad + "truncated.png"}) << "truncated.png";
        QTest::newRow("missing image")
            << (ids + QStringList{"[1]", "--image", bad + "nope.png"}) << "no such file";
        QTest::newRow("id outside vocabulary") << (ids + QStringList{"[1, 49218]"}) << "49218";
        QTest::newRow("negative id") << (ids + QStringList{"[-1]"}) << "-1";
        QTest::newRow("more placeholders than images")
            << (ids + QStringList{"[1,49153,49152,49152,49152,49152,49152]", "--image", image})
            << "placeholder";
        QTest::newRow("placeholders without image")
            << (ids + QStringList{"[1,49152,49152,49152,49152]"}) << "placeholder";
        QTest::newRow("ids not json") << (ids + QStringList{"[1,"}) << "JSON array";
        QTest::newRow("missing model folder")
            << QStringList{"generate", "--model", bad + "nope", "--input-ids", "[1]"}
            << "not a checkpoint folder";
        QTest::newRow("prompt without tokenizer")
            << QStringList{"generate", "--model", main, "--prompt", "hi"} << "tokenizer.json";
        QTest::newRow("prompt longer than context") << QStringList{"generate",
                                                                   "--model",
                                                                   main,
                                                                   "--tokenizer",
                                                                   kTokenizer,
                                                                   "--prompt",
                                                                   QString("word ").repeated(5000)}
                                                    << "context";
        QTest::newRow("bench without picture")
            << QStringList{"bench", "--model", main, "--prompt", "hi"} << "--image";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        QTest::newRow("bad number")
            << QStringList{"generate", "--model",          main,  "--input-ids",
                           "[1]",      "--max-new-tokens", "many"}
            << "--max-new-tokens";
    }
    void bad_input() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const ProcessRun run = run_cli(args);
        QVERIFY2(run.exit_code == 1 || run.exit_code == 2,
                 qPrintable(QString("exit code %1, stderr: %2").arg(run.exit_code).arg(run.err)));
        QVERIFY2(run.err.contains(message, Qt::CaseInsensitive),
                 qPrintable(QString("stderr does not mention '%1': %2").arg(message, run.err)));
        QVERIFY2(run.out.isEmpty(), "nothing may be printed on stdout after an error");
    }

    void tokenize_round_trip() {
        const ProcessRun enc = run_cli(
            {"tokenize", "--model", kFixtures + "/parity/main/ckpt", "--tokenizer", kTokenizer},
            "\"Hello <|image|> world 123\"\n\"caf\\u00e9\"\n");
        QVERIFY2(enc.exit_code == 0, qPrintable(enc.err));
        const QList<QByteArray> lines = enc.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].contains("49152"), lines[0].constData());
        const ProcessRun dec = run_cli({"tokenize", "--model", kFixtures + "/parity/main/ckpt",
                                        "--tokenizer", kTokenizer, "--decode"},
                                       enc.out);
        QVERIFY2(dec.exit_code == 0, qPrintable(dec.err));
        QCOMPARE(dec.out, QByteArray("\"Hello <|image|> world 123\"\n\"café\"\n"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
