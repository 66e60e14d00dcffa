// The checkpoint scanner behind the model picker and `nanovlm models`: a temporary Hugging Face
// cache (snapshots, refs/main, relative links to blobs) and user folders holding the fixture
// checkpoints and broken copies of them. Every good one must be listed with the right metadata,
// every broken one with the right reason, and the scan must read headers only.

#include "../hub_cache_fixture.h"

#include "nanovlm/checkpoint_scanner.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>

using namespace nanovlm;
using namespace hub_fixture;

namespace {

// Elements of every tensor but the rotary buffer, and the header's length: read here from the
// file with a JSON parser of our own, not with the engine's safetensors reader.
struct HeaderFacts {
    std::size_t parameters = 0;
    std::size_t header_bytes = 0;
};

HeaderFacts header_facts(const QString& path) {
    const QByteArray bytes = read(path);
    std::uint64_t length = 0;
    std::memcpy(&length, bytes.constData(), 8); // little-endian, as on the test machines
    const auto header =
        nlohmann::json::parse(bytes.constData() + 8, bytes.constData() + 8 + length);
    HeaderFacts facts;
    facts.header_bytes = 8 + std::size_t(length);
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__" || name == "decoder.rotary_embd.inv_freq") {
            continue;
        }
        std::size_t elements = 1;
        for (const auto& d : entry["shape"]) {
            elements *= d.get<std::size_t>();
        }
        facts.parameters += elements;
    }
    return facts;
}

nlohmann::json config_json(const QString& generation) {
    const QByteArray bytes = read(checkpoint(generation) + "/config.json");
    return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

// nanoVLM's DynamicResize + split for a 4032x3024 photo (models/processors.py), written out
// independently: tiles plus the global view when the grid is not 1x1.
int expected_photo_tiles(const nlohmann::json& c) {
    const int tile = c["vit_img_size"];
    const int max_side = c["max_img_size"];
    const bool to_max = c["resize_to_max_side_len"];
    const double long_side = 4032, short_side = 3024;
    const double target =
        to_max ? max_side : std::min<double>(max_side, std::ceil(long_side / tile) * tile);
    const double scale = target / long_side;
    const double short_target = std::max<double>(tile, std::ceil(short_side * scale / tile) * tile);
    const int tiles = int(target / tile) * int(short_target / tile);
    return tiles > 1 ? tiles + 1 : 1;
}

int expected_image_tokens(const QString& generation) {
    const nlohmann::json c = config_json(generation);
    const int per_side = int(c["vit_img_size"]) / int(c["vit_patch_size"]);
    const int shuffle = c["mp_pixel_shuffle_factor"];
    const int per_tile = per_side * per_side / (shuffle * shuffle);
    return (generation == "main" ? expected_photo_tiles(c) : 1) * per_tile;
}

std::size_t expected_kv_bytes(const QString& generation) {
    const nlohmann::json c = config_json(generation);
    const std::size_t head_dim = int(c["lm_hidden_dim"]) / int(c["lm_n_heads"]);
    const std::size_t context = std::min(4096, int(c["lm_max_position_embeddings"]));
    return 2 * std::size_t(c["lm_n_blocks"]) * context * std::size_t(c["lm_n_kv_heads"]) *
           head_dim * sizeof(float);
}

const CheckpointInfo* find(const ScanResult& result, const QString& name) {
    for (const CheckpointInfo& c : result.checkpoints) {
        if (QString::fromStdString(c.name) == name) {
            return &c;
        }
    }
    return nullptr;
}

QStringList names(const ScanResult& result) {
    QStringList list;
    for (const CheckpointInfo& c : result.checkpoints) {
        list.push_back(QString::fromStdString(c.name));
    }
    return list;
}

} // namespace

class TestCheckpointScanner : public QObject {
    Q_OBJECT

    QTemporaryDir temp_;
    QString hub_;
    QString folder_; // a folder of checkpoints the user added
    QString single_; // a folder the user added that is itself a checkpoint
    QString hub_tokenizer_;

    ScanResult scan() {
        ScanRequest request;
        request.command_line = {checkpoint("v0.2").toStdString()};
        request.user_folders = {folder_.toStdString(), single_.toStdString()};
        request.threads = 2;
        return scan_checkpoints(request);
    }

private slots:
    void initTestCase() {
        QVERIFY(temp_.isValid());
        hub_ = temp_.filePath("hub");
        qputenv("HF_HUB_CACHE", hub_.toUtf8());
        const QByteArray tokenizer = read(tokenizer_file());
        const QByteArray main_weights = read(checkpoint("main") + "/model.safetensors");

        // The tokenizer repos: the fixture tokenizer stands in for both.
        QVERIFY(add_snapshot(hub_, "HuggingFaceTB/SmolLM2-360M-Instruct", revision('1'),
                             {{"tokenizer.json", tokenizer},
                              {"config.json", R"({"model_type": "llama", "hidden_size": 960})"}},
                             true));
        QVERIFY(add_snapshot(hub_, "HuggingFaceTB/cosmo2-tokenizer", revision('2'),
                             {{"tokenizer.json", tokenizer}}, true));
        hub_tokenizer_ = hub_ + "/models--HuggingFaceTB--SmolLM2-360M-Instruct/snapshots/" +
                         revision('1') + "/tokenizer.json";

        // Good checkpoints: main (with an older snapshot of v0.2 beside refs/main, sorting before
        // it), v0.1.
        QVERIFY(add_snapshot(hub_, "lusxvr/nanoVLM-230M-8k", revision('0'),
                             checkpoint_files("v0.2"), false));
        QVERIFY(add_snapshot(hub_, "lusxvr/nanoVLM-230M-8k", revision('a'),
                             checkpoint_files("main"), true));
        QVERIFY(add_snapshot(hub_, "lusxvr/nanoVLM-222M", revision('c'), checkpoint_files("v0.1"),
                             true));

        // Broken ones, one problem each.
        QVERIFY(add_snapshot(hub_, "test/nanoVLM-truncated", revision('d'),
                             {{"config.json", read(checkpoint("main") + "/config.json")},
                              {"model.safetensors", main_weights.left(main_weights.size() / 2)}},
                             true));
        QVERIFY(add_snapshot(
            hub_, "test/nanoVLM-badconfig", revision('e'),
            {{"config.json", "{\"vit_hidden_dim\": 32,"}, {"model.safetensors", main_weights}},
            true));
        QVERIFY(add_snapshot(hub_, "test/nanoVLM-noweights", revision('f'),
                             {{"config.json", read(checkpoint("main") + "/config.json")},
                              {"model.safetensors", kMissingBlob}},
                             true));
        QVERIFY(add_snapshot(hub_, "test/nanoVLM-shapes", revision('9'),
                             {{"config.json", edited_config("main", {{"vit_inter_dim", 96}})},
                              {"model.safetensors", main_weights}},
                             true));
        // Not nanoVLM at all: never listed.
        QVERIFY(add_snapshot(hub_, "someone/bert", revision('8'),
                             {{"config.json", R"({"model_type": "bert"})"}}, true));

        // User folders.
        folder_ = temp_.filePath("models");
        QVERIFY(write(folder_ + "/with-tokenizer/config.json",
                      read(checkpoint("main") + "/config.json")));
        QVERIFY(write(folder_ + "/with-tokenizer/model.safetensors", main_weights));
        QVERIFY(write(folder_ + "/with-tokenizer/tokenizer.json", tokenizer));
        QVERIFY(write(folder_ + "/no-tokenizer/config.json",
                      edited_config("main", {{"lm_tokenizer", "nobody/no-such-tokenizer"}})));
        QVERIFY(write(folder_ + "/no-tokenizer/model.safetensors", main_weights));
        QVERIFY(write(folder_ + "/holiday-photos/IMG_0001.jpg", "not a model"));
        single_ = temp_.filePath("single-checkpoint");
        QVERIFY(write(single_ + "/config.json", read(checkpoint("v0.1") + "/config.json")));
        QVERIFY(
            write(single_ + "/model.safetensors", read(checkpoint("v0.1") + "/model.safetensors")));
    }

    void listsEveryCheckpointInOrder() {
        const ScanResult result = scan();
        QCOMPARE(QString::fromStdString(result.hub_cache), hub_);
        // Command line, user folders (children sorted), then the cache (repos sorted, refs/main
        // snapshot first); the tokenizer repos, the photo folder and the BERT are not listed.
        const QStringList expected = {
            "ckpt",
            "no-tokenizer",
            "with-tokenizer",
            "single-checkpoint",
            "lusxvr/nanoVLM-222M",
            "lusxvr/nanoVLM-230M-8k",
            "lusxvr/nanoVLM-230M-8k@0000000",
            "test/nanoVLM-badconfig",
            "test/nanoVLM-noweights",
            "test/nanoVLM-shapes",
            "test/nanoVLM-truncated",
        };
        QCOMPARE(names(result), expected);
    }

    void goodCheckpointsCarryTheirMetadata_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("generation");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("directory");
        QTest::addColumn<QString>("tokenizer");
        const QString main_snapshot =
            hub_ + "/models--lusxvr--nanoVLM-230M-8k/snapshots/" + revision('a');
        QTest::newRow("cache main") << "lusxvr/nanoVLM-230M-8k"
                                    << "main"
                                    << "hf_cache" << main_snapshot << hub_tokenizer_;
        QTest::newRow("cache older snapshot")
            << "lusxvr/nanoVLM-230M-8k@0000000"
            << "v0.2"
            << "hf_cache" << hub_ + "/models--lusxvr--nanoVLM-230M-8k/snapshots/" + revision('0')
            << hub_tokenizer_;
        QTest::newRow("cache v0.1")
            << "lusxvr/nanoVLM-222M"
            << "v0.1"
            << "hf_cache" << hub_ + "/models--lusxvr--nanoVLM-222M/snapshots/" + revision('c')
            << hub_ + "/models--HuggingFaceTB--cosmo2-tokenizer/snapshots/" + revision('2') +
                   "/tokenizer.json";
        QTest::newRow("command line") << "ckpt"
                                      << "v0.2"
                                      << "command_line" << checkpoint("v0.2") << hub_tokenizer_;
        QTest::newRow("user folder child") << "with-tokenizer"
                                           << "main"
                                           << "folder" << folder_ + "/with-tokenizer"
                                           << folder_ + "/with-tokenizer/tokenizer.json";
        QTest::newRow("user folder itself")
            << "single-checkpoint"
            << "v0.1"
            << "folder" << single_
            << hub_ + "/models--HuggingFaceTB--cosmo2-tokenizer/snapshots/" + revision('2') +
                   "/tokenizer.json";
    }

    void goodCheckpointsCarryTheirMetadata() {
        QFETCH(QString, name);
        QFETCH(QString, generation);
        QFETCH(QString, source);
        QFETCH(QString, directory);
        QFETCH(QString, tokenizer);
        const ScanResult result = scan();
        const CheckpointInfo* c = find(result, name);
        QVERIFY2(c != nullptr, qPrintable(name + " is listed"));
        QVERIFY2(c->usable(), c->reason.c_str());
        QCOMPARE(QString::fromStdString(c->reason), QString());
        QCOMPARE(QString::fromStdString(c->directory), directory);
        QCOMPARE(QString(checkpoint_source_name(c->source).data()), source);
        QVERIFY(c->generation.has_value());
        QCOMPARE(QString(generation_name(*c->generation).data()), generation);
        QCOMPARE(QString::fromStdString(c->tokenizer), tokenizer);
        QVERIFY2(QFileInfo(QString::fromStdString(c->tokenizer)).isFile(), "the tokenizer exists");

        const QString weights = checkpoint(generation) + "/model.safetensors";
        QCOMPARE(c->parameters, header_facts(weights).parameters);
        QCOMPARE(c->file_bytes, std::size_t(QFileInfo(weights).size()));
        QCOMPARE(c->image_tokens, expected_image_tokens(generation));
        QCOMPARE(c->context, 4096);
        // F32 fixtures: the weights are the mapped file, nothing converted.
        QCOMPARE(c->memory.weights, c->file_bytes);
        QCOMPARE(c->memory.kv_cache, expected_kv_bytes(generation));
        const nlohmann::json config = config_json(generation);
        const std::size_t tile = config["vit_img_size"];
        const std::size_t photo_floats = std::size_t(c->image_tiles) * 3 * tile * tile;
        QVERIFY2(c->memory.scratch > photo_floats * sizeof(float),
                 "scratch holds at least one photo's float tiles");
        QCOMPARE(c->memory.total(), c->memory.weights + c->memory.kv_cache + c->memory.scratch);
        if (source == "hf_cache") {
            QCOMPARE(c->main_revision, !name.contains('@'));
            QCOMPARE(QString::fromStdString(c->revision), QFileInfo(directory).fileName());
        }
    }

    void brokenCheckpointsSayWhy_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("problem");
        QTest::addColumn<QString>("reasonPart");
        QTest::addColumn<bool>("knowsGeneration");
        QTest::newRow("truncated")
            << "test/nanoVLM-truncated" << int(CheckpointProblem::DamagedWeights)
            << "truncated or damaged" << true;
        QTest::newRow("bad config")
            << "test/nanoVLM-badconfig" << int(CheckpointProblem::ConfigUnreadable)
            << "not valid JSON" << false;
        QTest::newRow("blob never downloaded")
            << "test/nanoVLM-noweights" << int(CheckpointProblem::MissingWeights)
            << "never downloaded" << true;
        QTest::newRow("shape mismatch")
            << "test/nanoVLM-shapes" << int(CheckpointProblem::ShapeMismatch) << "expected [96, 32]"
            << true;
        QTest::newRow("no tokenizer")
            << "no-tokenizer" << int(CheckpointProblem::NoTokenizer)
            << "huggingface-cli download nobody/no-such-tokenizer" << true;
    }

    void brokenCheckpointsSayWhy() {
        QFETCH(QString, name);
        QFETCH(int, problem);
        QFETCH(QString, reasonPart);
        QFETCH(bool, knowsGeneration);
        const ScanResult result = scan();
        const CheckpointInfo* c = find(result, name);
        QVERIFY2(c != nullptr, qPrintable(name + " is listed"));
        QVERIFY(!c->usable());
        QCOMPARE(int(c->problem), problem);
        const QString reason = QString::fromStdString(c->reason);
        QVERIFY2(reason.contains(reasonPart), qPrintable(reason));
        QCOMPARE(c->generation.has_value(), knowsGeneration);
    }

    void aMissingFileInAFolderIsNamed() {
        QTemporaryDir dir;
        QVERIFY(write(dir.filePath("config.json"), read(checkpoint("main") + "/config.json")));
        const CheckpointInfo c =
            inspect_checkpoint(dir.path().toStdString(), CheckpointSource::CommandLine);
        QCOMPARE(int(c.problem), int(CheckpointProblem::MissingWeights));
        QVERIFY(QString::fromStdString(c.reason).contains("model.safetensors is missing"));

        QTemporaryDir empty;
        const CheckpointInfo none =
            inspect_checkpoint(empty.path().toStdString(), CheckpointSource::CommandLine);
        QCOMPARE(int(none.problem), int(CheckpointProblem::MissingWeights));
        QVERIFY(!none.generation.has_value());
    }

    void displayNames() {
        QCOMPARE(checkpoint_display_name("/c/hub/models--lusxvr--nanoVLM-230M-8k/snapshots/abc"),
                 std::string("lusxvr/nanoVLM-230M-8k"));
        QCOMPARE(checkpoint_display_name("/home/me/models/nanoVLM-450M/"),
                 std::string("nanoVLM-450M"));
    }

    void theSameFolderIsListedOnce() {
        ScanRequest request;
        request.command_line = {single_.toStdString()};
        request.user_folders = {single_.toStdString(), single_.toStdString() + "/."};
        request.include_hub_cache = false;
        const ScanResult result = scan_checkpoints(request);
        QCOMPARE(names(result), QStringList{"single-checkpoint"});
        QCOMPARE(int(result.checkpoints[0].source), int(CheckpointSource::CommandLine));
    }

    // 50 checkpoints (links to the fixture weights, so nothing is copied) in one folder: the
    // scan reads config.json and the header of each, nothing else, and takes well under a
    // second.
    void fiftyCheckpointsReadOnlyHeaders() {
        QTemporaryDir dir;
        const QString weights = checkpoint("main") + "/model.safetensors";
        const QByteArray config = read(checkpoint("main") + "/config.json");
        for (int i = 0; i < 50; ++i) {
            const QString sub =
                dir.filePath(QStringLiteral("nanoVLM-%1").arg(i, 2, 10, QChar('0')));
            QVERIFY(write(sub + "/config.json", config));
            QVERIFY(QFile::link(weights, sub + "/model.safetensors"));
        }
        ScanRequest request;
        request.user_folders = {dir.path().toStdString()};
        request.include_hub_cache = false;
        QElapsedTimer clock;
        clock.start();
        const ScanResult result = scan_checkpoints(request);
        const qint64 ms = clock.elapsed();
        QCOMPARE(result.checkpoints.size(), std::size_t(50));

        // Each checkpoint: config.json twice (is it nanoVLM? then parse it) and the header.
        const std::size_t per_checkpoint =
            2 * std::size_t(config.size()) + header_facts(weights).header_bytes;
        const std::size_t weight_bytes = 50 * std::size_t(QFileInfo(weights).size());
        qInfo("50 checkpoints: %lld ms, %zu bytes read (%.2f%% of the %zu bytes of weights)", ms,
              result.bytes_read, 100.0 * double(result.bytes_read) / double(weight_bytes),
              weight_bytes);
        QCOMPARE(result.bytes_read, 50 * per_checkpoint);
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
    }
};

QTEST_GUILESS_MAIN(TestCheckpointScanner)
#include "tst_checkpoint_scanner.moc"
