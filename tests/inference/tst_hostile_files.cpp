// Files a hostile or unlucky user can put where the engine reads: JSON nested 100,000 deep,
// FIFOs and devices in place of config.json, refs/main, model.safetensors or tokenizer.json, a
// checkpoint truncated or rewritten while it is mapped, safetensors whose header length is a few
// bytes off, config.json fields that only a question would trip over, NaN weights under int8 and
// bf16, and a prompt that cannot fit the context. Each ends in a nanovlm::Error that names the file
// and the problem, promptly: never a crash, a hang, or gigabytes read.

#include "../hub_cache_fixture.h"
#include "parity_fixtures.h"

#include "nanovlm/checkpoint_scanner.h"
#include "nanovlm/error.h"
#include "nanovlm/generation.h"
#include "nanovlm/model.h"
#include "nanovlm/prompt.h"
#include "nanovlm/session.h"
#include "safetensors.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <functional>
#include <future>
#include <limits>
#include <sys/stat.h> // mkfifo
#include <thread>
#include <unistd.h> // truncate

using nanovlm::TokenId;
using Json = nlohmann::ordered_json;

namespace {

constexpr auto kPromptly = std::chrono::seconds(20);

QString main_checkpoint() {
    return parity::root() + "/main/ckpt";
}

std::string deep_json(std::size_t depth, const std::string& open = "[",
                      const std::string& close = "]") {
    std::string text;
    text.reserve(depth * (open.size() + close.size()) + 1);
    for (std::size_t i = 0; i < depth; ++i) {
        text += open;
    }
    text += "1";
    for (std::size_t i = 0; i < depth; ++i) {
        text += close;
    }
    return text;
}

// Runs `work` on its own thread and returns the message of the Error it throws, "" when it
// returns normally, or "TIMEOUT" when it is still running after kPromptly (a read blocked on a
// FIFO: the thread is left behind, the test fails instead of hanging).
QString error_within_time(std::function<void()> work) {
    auto done = std::make_shared<std::promise<QString>>();
    std::future<QString> result = done->get_future();
    std::thread([done, work = std::move(work)] {
        try {
            work();
            done->set_value(QString());
        } catch (const nanovlm::Error& e) {
            done->set_value(QString::fromStdString(e.what()));
        } catch (const std::exception& e) {
            done->set_value(QStringLiteral("NOT A nanovlm::Error: ") + e.what());
        }
    }).detach();
    if (result.wait_for(kPromptly) != std::future_status::ready) {
        return QStringLiteral("TIMEOUT");
    }
    return result.get();
}

bool copy_checkpoint(const QString& to) {
    return QFile::copy(main_checkpoint() + "/config.json", to + "/config.json") &&
           QFile::copy(main_checkpoint() + "/model.safetensors", to + "/model.safetensors") &&
           QFile::copy(hub_fixture::tokenizer_file(), to + "/tokenizer.json");
}

nanovlm::PreprocessedImage dumped_pixels() {
    nanovlm::PreprocessedImage image;
    image.tile_size = 64;
    image.pixels = parity::read_f32(parity::root() + "/main/64x64/dumps/pixel_values.f32");
    return image;
}

std::vector<TokenId> case_ids() {
    return parity::read_json(parity::root() + "/main/64x64/case.json")["ids"]
        .get<std::vector<TokenId>>();
}

std::uint64_t header_length(const QByteArray& file) {
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) {
        length = (length << 8) | std::uint8_t(file[i]);
    }
    return length;
}

} // namespace

class TestHostileFiles : public QObject {
    Q_OBJECT

private slots:
    // --- JSON nested deep enough to overflow any recursion ---

    void deep_config_is_a_named_error() {
        for (const std::string& text :
             {deep_json(100000), "{\"vit_hidden_dim\": " + deep_json(100000) + "}",
              "{\"vlm_extra_tokens\": " + deep_json(100000, "{\"a\":", "}") + "}"}) {
            const QString error =
                error_within_time([&] { nanovlm::parse_model_config(text, "/x/config.json"); });
            QVERIFY2(error.contains("/x/config.json") && error.contains("nested deeper"),
                     qPrintable(error));
        }
    }

    void deep_safetensors_header_is_a_named_error() {
        const std::string header = R"({"a": {"dtype": "F32", "shape": )" + deep_json(200000) +
                                   R"(, "data_offsets": [0, 4]}})";
        std::vector<std::uint8_t> file(8 + header.size() + 4, 0);
        for (int i = 0; i < 8; ++i) {
            file[std::size_t(i)] = std::uint8_t((header.size() >> (8 * i)) & 0xff);
        }
        std::memcpy(file.data() + 8, header.data(), header.size());
        const QString error = error_within_time([&] {
            nanovlm::parse_safetensors_header(file.data(), file.size(), file.size(), "/x/m.st");
        });
        QVERIFY2(error.contains("/x/m.st") && error.contains("nested deeper"), qPrintable(error));
    }

    void deep_tokenizer_json_is_a_named_error() {
        for (const std::string& text :
             {deep_json(100000),
              R"({"model": {"type": "BPE", "extra": )" + deep_json(100000) + "}}",
              R"({"normalizer": )" + deep_json(100000, "{\"x\":", "}") + "}"}) {
            const QString error = error_within_time(
                [&] { nanovlm::Tokenizer::from_json(text, "/x/tokenizer.json"); });
            QVERIFY2(error.contains("/x/tokenizer.json") && error.contains("nested deeper"),
                     qPrintable(error));
        }
    }

    void scanner_greys_a_checkpoint_with_a_deep_config() {
        QTemporaryDir root;
        const QString dir = root.filePath("nanoVLM-deep");
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(
            hub_fixture::write(dir + "/config.json", QByteArray::fromStdString(deep_json(100000))));
        QVERIFY(QFile::copy(main_checkpoint() + "/model.safetensors", dir + "/model.safetensors"));
        nanovlm::ScanRequest request;
        request.user_folders = {root.path().toStdString()};
        request.include_hub_cache = false;
        nanovlm::ScanResult result;
        QCOMPARE(error_within_time([&] { result = nanovlm::scan_checkpoints(request); }),
                 QString());
        QCOMPARE(result.checkpoints.size(), std::size_t(1));
        QVERIFY(!result.checkpoints[0].usable());
        QVERIFY2(QString::fromStdString(result.checkpoints[0].reason).contains("nested deeper"),
                 result.checkpoints[0].reason.c_str());
    }

    // --- FIFOs, devices and oversized files where small regular files belong ---

    void special_files_in_a_checkpoint_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("kind");
        for (const char* file : {"config.json", "model.safetensors", "tokenizer.json"}) {
            QTest::newRow(qPrintable(QStringLiteral("FIFO as %1").arg(file)))
                << QString(file) << QStringLiteral("fifo");
            QTest::newRow(qPrintable(QStringLiteral("/dev/zero as %1").arg(file)))
                << QString(file) << QStringLiteral("zero");
        }
        QTest::newRow("70 MB tokenizer.json")
            << QStringLiteral("tokenizer.json") << QStringLiteral("huge");
        QTest::newRow("2 MB config.json")
            << QStringLiteral("config.json") << QStringLiteral("huge");
    }
    void special_files_in_a_checkpoint() {
        QFETCH(QString, file);
        QFETCH(QString, kind);
        QTemporaryDir dir;
        QVERIFY(copy_checkpoint(dir.path()));
        const QString path = dir.filePath(file);
        QVERIFY(QFile::remove(path));
        if (kind == "fifo") {
            QCOMPARE(::mkfifo(path.toLocal8Bit().constData(), 0600), 0);
        } else if (kind == "zero") {
            QVERIFY(QFile::link(QStringLiteral("/dev/zero"), path));
        } else {
            const qint64 size = file == "config.json" ? (2 << 20) : (70 << 20);
            QFile big(path);
            QVERIFY(big.open(QIODevice::WriteOnly) && big.resize(size));
        }
        nanovlm::LoadOptions options;
        options.require_tokenizer = true;
        const QString error =
            error_within_time([&] { nanovlm::Model::load(dir.path().toStdString(), options); });
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(kind == "huge" ? error.contains("more than")
                                : error.contains("not a regular file"),
                 qPrintable(error));

        // The model picker's scan returns too, and greys the entry with the same reason.
        nanovlm::ScanRequest request;
        request.command_line = {dir.path().toStdString()};
        request.include_hub_cache = false;
        nanovlm::ScanResult result;
        QCOMPARE(error_within_time([&] { result = nanovlm::scan_checkpoints(request); }),
                 QString());
        QCOMPARE(result.checkpoints.size(), std::size_t(1));
        // The scan only locates the tokenizer: a large regular one is for loading to refuse.
        if (!(file == "tokenizer.json" && kind == "huge")) {
            QVERIFY2(!result.checkpoints[0].usable(), result.checkpoints[0].reason.c_str());
        }
    }

    void special_refs_main_in_the_hub_cache() {
        QTemporaryDir root;
        const QString id = QStringLiteral("someone/nanoVLM-fifo");
        QVERIFY(hub_fixture::add_snapshot(
            root.path(), id, QStringLiteral("0123456789abcdef0123456789abcdef01234567"),
            {{"config.json", hub_fixture::read(main_checkpoint() + "/config.json")},
             {"model.safetensors", hub_fixture::read(main_checkpoint() + "/model.safetensors")}},
            true));
        const QString ref = root.path() + "/models--someone--nanoVLM-fifo/refs/main";
        for (const char* kind : {"fifo", "zero"}) {
            QFile::remove(ref);
            if (QByteArray(kind) == "fifo") {
                QCOMPARE(::mkfifo(ref.toLocal8Bit().constData(), 0600), 0);
            } else {
                QVERIFY(QFile::link(QStringLiteral("/dev/zero"), ref));
            }
            qputenv("HF_HUB_CACHE", root.path().toLocal8Bit());
            nanovlm::ScanRequest request;
            request.include_hub_cache = true;
            nanovlm::ScanResult result;
            QCOMPARE(error_within_time([&] { result = nanovlm::scan_checkpoints(request); }),
                     QString());
            QCOMPARE(result.checkpoints.size(), std::size_t(1));
            QVERIFY(result.bytes_read < (4u << 20));
            // The tokenizer locator reads refs/main too.
            QVERIFY(error_within_time([&] {
                        nanovlm::locate_tokenizer({}, {}, id.toStdString());
                    }).contains("no tokenizer.json found"));
        }
        qunsetenv("HF_HUB_CACHE");
    }

    void tokenizer_that_is_a_device_says_so() {
        const QString error =
            error_within_time([] { nanovlm::locate_tokenizer("/dev/zero", {}, {}); });
        QVERIFY2(error.contains("/dev/zero") && error.contains("not a regular file") &&
                     !error.contains("not found"),
                 qPrintable(error));
    }

    // --- the checkpoint changing under a loaded model ---

    void truncated_while_mapped_is_an_error_not_sigbus_data() {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("truncate");
        QTest::newRow("f32, truncated") << "f32" << true;
        QTest::newRow("int8, truncated") << "int8" << true;
        QTest::newRow("bf16, truncated") << "bf16" << true;
        QTest::newRow("f32, rewritten in place") << "f32" << false;
    }
    void truncated_while_mapped_is_an_error_not_sigbus() {
        QFETCH(QString, mode);
        QFETCH(bool, truncate);
        QTemporaryDir dir;
        QVERIFY(copy_checkpoint(dir.path()));
        nanovlm::LoadOptions options;
        options.weights = *nanovlm::parse_weight_format(mode.toStdString());
        const auto model = nanovlm::Model::load(dir.path().toStdString(), options);
        nanovlm::Session session(model);
        const std::vector<TokenId> ids = case_ids();
        // A first question works.
        const auto embedding = session.encode_image(dumped_pixels());
        QVERIFY(embedding && session.append(ids, {&*embedding, 1}));
        const int kept = session.position();

        const QString weights = dir.filePath("model.safetensors");
        const QByteArray bytes = hub_fixture::read(weights);
        if (truncate) {
            // Keep the header: the data is gone, as after a `cp` that has just begun.
            QCOMPARE(::truncate(weights.toLocal8Bit().constData(), off_t(8 + header_length(bytes))),
                     0);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // a new mtime
            QByteArray changed = bytes;
            changed[changed.size() - 1] = char(changed[changed.size() - 1] ^ 1);
            QVERIFY(hub_fixture::write(weights, changed));
        }
        for (int step = 0; step < 3; ++step) {
            const QString error = error_within_time([&] {
                switch (step) {
                case 0:
                    session.encode_image(dumped_pixels());
                    break;
                case 1:
                    session.append(std::vector<TokenId>{ids.back()});
                    break;
                default:
                    session.append_token(ids.back());
                }
            });
            QVERIFY2(error.contains(weights) && error.contains("changed while in use"),
                     qPrintable(QStringLiteral("step %1: %2").arg(step).arg(error)));
            QCOMPARE(session.position(), kept); // nothing computed from zeros was kept
        }
    }

    void unrelated_sigbus_still_kills() {
        // Our handler must not swallow a SIGBUS outside the checkpoint maps: a process that
        // faults on a map of its own, or is sent SIGBUS, must still die of it. A process of its
        // own (sigbus_probe.cpp): here, QtTest's crash reporter would be the handler before ours.
        QTemporaryDir dir;
        for (const char* mode : {"fault", "raise"}) {
            QProcess probe;
            probe.start(QStringLiteral(SIGBUS_PROBE),
                        {main_checkpoint(), QString(mode), dir.filePath("scratch")});
            QVERIFY(probe.waitForFinished(30000));
            const QString errors = QString::fromUtf8(probe.readAllStandardError());
            // Under AddressSanitizer its own SIGBUS handler came first: ours passes the signal
            // on to it, and it reports the fault and exits with an error instead of crashing.
            const bool sanitizer_ended_it =
                probe.exitCode() != 0 && errors.contains(QLatin1String("AddressSanitizer: BUS"));
            QVERIFY2(
                probe.exitStatus() == QProcess::CrashExit || sanitizer_ended_it,
                qPrintable(
                    QStringLiteral("%1: exit %2, %3").arg(mode).arg(probe.exitCode()).arg(errors)));
        }
    }

    // --- safetensors: the data region starts after the header and tensors cover it ---

    void safetensors_must_cover_the_data_region_data() {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("needle");
        const QByteArray good = hub_fixture::read(main_checkpoint() + "/model.safetensors");
        const std::uint64_t length = header_length(good);
        const QByteArray header = good.mid(8, qsizetype(length));
        const QByteArray data = good.mid(qsizetype(8 + length));
        auto le64 = [](std::uint64_t v) {
            QByteArray b(8, '\0');
            for (int i = 0; i < 8; ++i) {
                b[i] = char((v >> (8 * i)) & 0xff);
            }
            return b;
        };
        // Three spaces more after the header, but the length says the header ends before them:
        // every tensor would be read three bytes early.
        QTest::newRow("header length 3 bytes short")
            << le64(length) + header + "   " + data << QStringLiteral("belong to no tensor");
        QTest::newRow("trailing bytes after the last tensor")
            << good + QByteArray(16, 'x') << QStringLiteral("after the last tensor");
        {
            Json h = Json::parse(header.constData(), header.constData() + header.size());
            for (auto& [name, entry] : h.items()) {
                if (name != "__metadata__") {
                    entry["data_offsets"][0] = entry["data_offsets"][0].get<std::uint64_t>() + 64;
                    entry["data_offsets"][1] = entry["data_offsets"][1].get<std::uint64_t>() + 64;
                }
            }
            QByteArray text = QByteArray::fromStdString(h.dump());
            while (text.size() % 8 != 0) {
                text.append(' ');
            }
            QTest::newRow("a gap before the first tensor")
                << le64(std::uint64_t(text.size())) + text + QByteArray(64, '\0') + data
                << QStringLiteral("belong to no tensor");
        }
    }
    void safetensors_must_cover_the_data_region() {
        QFETCH(QByteArray, file);
        QFETCH(QString, needle);
        QString error;
        try {
            nanovlm::parse_safetensors_header(reinterpret_cast<const std::uint8_t*>(file.data()),
                                              std::size_t(file.size()), std::size_t(file.size()),
                                              "/x/model.safetensors");
        } catch (const nanovlm::Error& e) {
            error = e.what();
        }
        QVERIFY2(error.contains("/x/model.safetensors") && error.contains(needle),
                 qPrintable(error));
    }

    void the_fixture_covers_its_data_region() {
        const QByteArray good = hub_fixture::read(main_checkpoint() + "/model.safetensors");
        nanovlm::parse_safetensors_header(reinterpret_cast<const std::uint8_t*>(good.data()),
                                          std::size_t(good.size()), std::size_t(good.size()),
                                          "fixture");
    }

    // --- config.json fields that used to fail only at the first question ---

    void config_errors_show_at_load_data() {
        QTest::addColumn<QJsonObject>("changes");
        QTest::addColumn<QString>("needle");
        const QJsonObject tokens =
            QJsonDocument::fromJson(hub_fixture::read(main_checkpoint() + "/config.json"))
                .object()["vlm_extra_tokens"]
                .toObject();
        auto with_tokens = [&](const std::function<void(QJsonObject&)>& edit) {
            QJsonObject t = tokens;
            edit(t);
            return QJsonObject{{"vlm_extra_tokens", t}};
        };
        QTest::newRow("no image_token")
            << with_tokens([](QJsonObject& t) { t.remove("image_token"); })
            << QStringLiteral("no image_token");
        QTest::newRow("image_token is <|im_end|>")
            << with_tokens([](QJsonObject& t) { t["image_token"] = "<|im_end|>"; })
            << QStringLiteral("vlm_extra_tokens.image_token");
        QTest::newRow("image_token equals global_image_token")
            << with_tokens([&](QJsonObject& t) { t["image_token"] = t["global_image_token"]; })
            << QStringLiteral("another extra token");
        QTest::newRow("vlm_extra_tokens empty") << QJsonObject{{"vlm_extra_tokens", QJsonObject{}}}
                                                << QStringLiteral("vlm_extra_tokens is empty");
        QTest::newRow("negative extra_token_amount")
            << QJsonObject{{"extra_token_amount", -3}} << QStringLiteral("extra_token_amount");
        // The vocabulary stays the weights' size, but the extra tokens land on ordinary words.
        QTest::newRow("lm_base_vocab_size too small")
            << QJsonObject{{"lm_base_vocab_size", 100}, {"lm_vocab_size", 49218}}
            << QStringLiteral("lm_base_vocab_size does not match the tokenizer");
    }
    void config_errors_show_at_load() {
        QFETCH(QJsonObject, changes);
        QFETCH(QString, needle);
        QTemporaryDir dir;
        QVERIFY(copy_checkpoint(dir.path()));
        QFile::remove(dir.filePath("config.json"));
        QVERIFY(hub_fixture::write(dir.filePath("config.json"),
                                   hub_fixture::edited_config("main", changes)));
        const QString error =
            error_within_time([&] { nanovlm::Model::load(dir.path().toStdString()); });
        QVERIFY2(error.contains("config.json") && error.contains(needle), qPrintable(error));
    }

    // --- int8 and bf16 of NaN and Inf weights ---

    void non_finite_weights_fail_alike_in_every_weight_mode_data() {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<float>("value");
        QTest::newRow("f32, NaN") << "f32" << std::numeric_limits<float>::quiet_NaN();
        QTest::newRow("int8, NaN") << "int8" << std::numeric_limits<float>::quiet_NaN();
        QTest::newRow("int8, Inf") << "int8" << std::numeric_limits<float>::infinity();
        QTest::newRow("bf16, NaN") << "bf16" << std::numeric_limits<float>::quiet_NaN();
        QTest::newRow("bf16, Inf") << "bf16" << std::numeric_limits<float>::infinity();
    }
    void non_finite_weights_fail_alike_in_every_weight_mode() {
        QFETCH(QString, mode);
        QFETCH(float, value);
        QTemporaryDir dir;
        QVERIFY(copy_checkpoint(dir.path()));
        QByteArray bytes = hub_fixture::read(dir.filePath("model.safetensors"));
        const std::uint64_t length = header_length(bytes);
        const Json header = Json::parse(bytes.constData() + 8, bytes.constData() + 8 + length);
        const std::uint64_t begin =
            header["decoder.blocks.0.attn.q_proj.weight"]["data_offsets"][0].get<std::uint64_t>();
        for (int i = 0; i < 8; ++i) { // a whole row's worth of the first block's q_proj
            std::memcpy(bytes.data() + 8 + length + begin + 4 * i, &value, 4);
        }
        QFile::remove(dir.filePath("model.safetensors"));
        QVERIFY(hub_fixture::write(dir.filePath("model.safetensors"), bytes));
        nanovlm::LoadOptions options;
        options.weights = *nanovlm::parse_weight_format(mode.toStdString());
        const auto model = nanovlm::Model::load(dir.path().toStdString(), options);
        nanovlm::Session session(model);
        nanovlm::GenerationOptions generation;
        generation.sampling.greedy = true;
        generation.max_new_tokens = 4;
        const std::vector<TokenId> ids = case_ids();
        const auto image = dumped_pixels();
        const QString error = error_within_time([&] {
            nanovlm::generate(session, ids, {&image, 1}, generation);
        });
        QVERIFY2(error.contains("corrupt"), qPrintable(error));
    }

    // --- a prompt that cannot fit is refused before any picture is encoded ---

    void context_is_checked_before_encoding() {
        const auto model = nanovlm::Model::load(main_checkpoint().toStdString());
        nanovlm::SessionOptions options;
        options.max_context = 8;
        nanovlm::Session session(model, options);
        const std::vector<TokenId> ids = case_ids();
        const auto image = dumped_pixels();
        const QString error = error_within_time([&] {
            nanovlm::generate(session, ids, {&image, 1}, nanovlm::GenerationOptions{});
        });
        QVERIFY2(error.contains("context holds 8") && error.contains("image detail") &&
                     error.contains("fewer pictures"),
                 qPrintable(error));
        QCOMPARE(session.vision_tiles_encoded(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHostileFiles)
#include "tst_hostile_files.moc"
