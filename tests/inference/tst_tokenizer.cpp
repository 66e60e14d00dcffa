// The tokenizer against Hugging Face `tokenizers` itself: every case of
// tests/fixtures/tokenizer/*.jsonl and of tests/fixtures/tokenizer/extra-cases.jsonl (written by
// tests/tools/gen_tokenizer_extra_cases.js) must come out exactly, from several threads at once,
// and streaming decode must equal whole decode.
#include "nanovlm/error.h"
#include "nanovlm/tokenizer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

using nanovlm::StreamingDecoder;
using nanovlm::TokenId;
using nanovlm::Tokenizer;
using Json = nlohmann::json;

namespace {

const std::string kFixtures = NANOVLM_FIXTURES;
const std::string kTokenizerJson = kFixtures + "/tokenizer/tokenizer.json";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<Json> read_jsonl(const std::string& path) {
    std::vector<Json> lines;
    std::ifstream in(path, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(Json::parse(line));
        }
    }
    return lines;
}

// nanoVLM's vlm_extra_tokens of the main generation, in file order: that order gives the ids.
std::vector<std::string> main_extra_tokens() {
    const auto config =
        nlohmann::ordered_json::parse(read_file(kFixtures + "/parity/main/ckpt/config.json"));
    std::vector<std::string> tokens;
    for (const auto& [key, token] : config.at("vlm_extra_tokens").items()) {
        tokens.push_back(token.get<std::string>());
    }
    return tokens;
}

std::vector<TokenId> ids_of(const Json& array) {
    return array.get<std::vector<TokenId>>();
}

QString show(const std::vector<TokenId>& ids) {
    QStringList parts;
    for (const TokenId id : ids) {
        parts << QString::number(id);
    }
    return "[" + parts.join(", ") + "]";
}

QByteArray bytes(const std::string& s) {
    return QByteArray(s.data(), qsizetype(s.size()));
}

QString qstr(const std::string& s) {
    return QString::fromStdString(s);
}

// Independent of the engine's UTF-8 code: Unicode Table 3-7, written out.
bool is_valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (b < 0x80) {
            n = 1;
        } else if (b >= 0xC2 && b <= 0xDF) {
            n = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3;
            lo = b == 0xE0 ? 0xA0 : 0x80;
            hi = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4;
            lo = b == 0xF0 ? 0x90 : 0x80;
            hi = b == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        if (i + n > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
                return false;
            }
        }
        i += n;
    }
    return true;
}

// Decodes one id at a time; checks every piece is whole UTF-8 and returns their concatenation.
std::string stream_decode(const Tokenizer& tokenizer, const std::vector<TokenId>& ids,
                          bool skip_special, QString& error) {
    StreamingDecoder decoder(tokenizer, skip_special);
    std::string text;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string piece = decoder.push(ids[i]);
        if (!is_valid_utf8(piece)) {
            error = QString("piece %1 (after id %2) is not valid UTF-8").arg(i).arg(ids[i]);
        }
        text += piece;
    }
    const std::string tail = decoder.finish();
    if (!is_valid_utf8(tail)) {
        error = "finish() is not valid UTF-8";
    }
    return text + tail;
}

// The message of the Error `load` throws, or "" if it throws none.
template <typename Load> std::string error_of(Load&& load) {
    try {
        load();
    } catch (const nanovlm::Error& e) {
        return e.what();
    }
    return {};
}

// A three-token tokenizer.json; `model_changes` replaces (or, when null, removes) model fields.
std::string tiny_tokenizer_json(const Json& model_changes = Json::object()) {
    Json j = {{"version", "1.0"},
              {"added_tokens", Json::array()},
              {"normalizer", nullptr},
              {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}}},
              {"post_processor", nullptr},
              {"decoder", {{"type", "ByteLevel"}}},
              {"model",
               {{"type", "BPE"},
                {"vocab", {{"a", 0}, {"b", 1}, {"ab", 2}}},
                {"merges", Json::array({"a b"})}}}};
    for (const auto& [key, value] : model_changes.items()) {
        if (value.is_null()) {
            j["model"].erase(key);
        } else {
            j["model"][key] = value;
        }
    }
    return j.dump();
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void encodeCases_data();
    void encodeCases();
    void decodeCases_data();
    void decodeCases();
    void extraCases_data();
    void extraCases();
    void streamingEqualsDecode();
    void streamingHoldsBackOnlyIncompleteCharacters();
    void pairMergesEqualStringMerges();
    void invalidUtf8InputIsRepairedFirst();
    void vocabularyQueries();
    void concurrentEncode();
    void badInput_data();
    void badInput();
    void locateExplicitAndModelDir();
    void locateHubCache();
    void locateNotFound();

private:
    std::vector<Json> encode_cases_;
    std::vector<Json> decode_cases_;
    std::vector<Json> extra_cases_;
    std::map<std::string, Tokenizer> variants_; // the tokenizers extra_cases_ name
    std::optional<Tokenizer> with_extras_;      // fixture tokenizer + the 66 nanoVLM tokens
    std::optional<Tokenizer> plain_;            // fixture tokenizer alone
};

void TestTokenizer::initTestCase() {
    encode_cases_ = read_jsonl(kFixtures + "/tokenizer/encode-cases.jsonl");
    decode_cases_ = read_jsonl(kFixtures + "/tokenizer/decode-cases.jsonl");
    QVERIFY2(encode_cases_.size() > 100 && decode_cases_.size() > 200, "fixtures missing");
    const std::vector<std::string> extras = main_extra_tokens();
    QCOMPARE(extras.size(), std::size_t(66));
    with_extras_.emplace(Tokenizer::load(kTokenizerJson, extras));
    plain_.emplace(Tokenizer::load(kTokenizerJson));

    const QString extra_path = QStringLiteral(NANOVLM_FIXTURES "/tokenizer/extra-cases.jsonl");
    const Json base = Json::parse(read_file(kTokenizerJson));
    for (Json& line : read_jsonl(extra_path.toStdString())) {
        if (!line.contains("define")) {
            extra_cases_.push_back(std::move(line));
            continue;
        }
        std::string json_text;
        if (line.contains("tokenizer")) {
            json_text = line["tokenizer"].dump();
        } else {
            Json patched = base;
            patched.merge_patch(line["merge_patch"]);
            json_text = patched.dump();
        }
        const std::string name = line["define"];
        variants_.emplace(name, Tokenizer::from_json(json_text, name,
                                                     line.value("extra_tokens", false)
                                                         ? extras
                                                         : std::vector<std::string>{}));
    }
    QVERIFY2(extra_cases_.size() > 50, "extra-cases.jsonl has too few cases");
}

void TestTokenizer::encodeCases_data() {
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < encode_cases_.size(); ++i) {
        QTest::addRow("%s", encode_cases_[i]["id"].get<std::string>().c_str()) << int(i);
    }
}

void TestTokenizer::encodeCases() {
    QFETCH(int, index);
    const Json& c = encode_cases_[std::size_t(index)];
    const std::string text = c["text"];
    const std::vector<TokenId> ids = ids_of(c["ids"]);
    QCOMPARE(show(with_extras_->encode(text)), show(ids));
    // ids_base is given only where the plain tokenizer differs.
    QCOMPARE(show(plain_->encode(text)),
             show(c.contains("ids_base") ? ids_of(c["ids_base"]) : ids));
    QCOMPARE(bytes(with_extras_->decode(ids)), bytes(c["decoded"].get<std::string>()));
    QCOMPARE(bytes(with_extras_->decode(ids, true)),
             bytes(c["decoded_skip_special"].get<std::string>()));
}

void TestTokenizer::decodeCases_data() {
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < decode_cases_.size(); ++i) {
        QTest::addRow("line %zu", i + 1) << int(i);
    }
}

void TestTokenizer::decodeCases() {
    QFETCH(int, index);
    const Json& c = decode_cases_[std::size_t(index)];
    const std::vector<TokenId> ids = ids_of(c["ids"]);
    QCOMPARE(bytes(with_extras_->decode(ids)), bytes(c["decoded"].get<std::string>()));
    QCOMPARE(bytes(with_extras_->decode(ids, true)),
             bytes(c["decoded_skip_special"].get<std::string>()));
}

void TestTokenizer::extraCases_data() {
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < extra_cases_.size(); ++i) {
        QTest::addRow("%s %zu", extra_cases_[i]["variant"].get<std::string>().c_str(), i) << int(i);
    }
}

void TestTokenizer::extraCases() {
    QFETCH(int, index);
    const Json& c = extra_cases_[std::size_t(index)];
    const auto it = variants_.find(c["variant"].get<std::string>());
    QVERIFY2(it != variants_.end(), "case names a tokenizer no line defines");
    const Tokenizer& tokenizer = it->second;
    const std::vector<TokenId> ids = ids_of(c["ids"]);
    QCOMPARE(show(tokenizer.encode(c["text"].get<std::string>())), show(ids));
    QCOMPARE(bytes(tokenizer.decode(ids)), bytes(c["decoded"].get<std::string>()));
    QCOMPARE(bytes(tokenizer.decode(ids, true)),
             bytes(c["decoded_skip_special"].get<std::string>()));
}

void TestTokenizer::streamingEqualsDecode() {
    std::vector<std::vector<TokenId>> sequences;
    for (const Json& c : encode_cases_) {
        sequences.push_back(ids_of(c["ids"]));
    }
    for (const Json& c : decode_cases_) {
        sequences.push_back(ids_of(c["ids"]));
    }
    for (const auto& ids : sequences) {
        for (const bool skip : {true, false}) {
            QString error;
            const std::string streamed = stream_decode(*with_extras_, ids, skip, error);
            QVERIFY2(error.isEmpty(), qPrintable(error + " for " + show(ids)));
            QCOMPARE(bytes(streamed), bytes(with_extras_->decode(ids, skip)));
        }
    }
}

void TestTokenizer::streamingHoldsBackOnlyIncompleteCharacters() {
    // "👋" is split over three byte tokens ("ĠðŁ" = " \xF0\x9F", "ĳ", "ĭ") in chat-smollm2-003.
    const std::vector<TokenId> wave = {15107, 235, 229};
    StreamingDecoder decoder(*with_extras_);
    QCOMPARE(bytes(decoder.push(wave[0])), QByteArray(" "));
    QCOMPARE(bytes(decoder.push(wave[1])), QByteArray());
    QCOMPARE(bytes(decoder.push(wave[2])), QByteArray("\xF0\x9F\x91\x8B"));
    // An unfinished character at the end becomes one U+FFFD, as in decode().
    QCOMPARE(bytes(decoder.push(wave[0])), QByteArray(" "));
    QCOMPARE(bytes(decoder.finish()), QByteArray("\xEF\xBF\xBD"));
    // Special tokens are skipped by default; reset() drops held bytes.
    QCOMPARE(bytes(decoder.push(2)), QByteArray());
    decoder.push(wave[0]);
    decoder.reset();
    QCOMPARE(bytes(decoder.finish()), QByteArray());
}

void TestTokenizer::pairMergesEqualStringMerges() {
    Json j = Json::parse(read_file(kTokenizerJson));
    for (Json& merge : j["model"]["merges"]) {
        const std::string line = merge;
        const auto space = line.find(' ');
        merge = Json::array({line.substr(0, space), line.substr(space + 1)});
    }
    const Tokenizer pairs = Tokenizer::from_json(j.dump(), "pair-merges", main_extra_tokens());
    for (const Json& c : encode_cases_) {
        QCOMPARE(show(pairs.encode(c["text"].get<std::string>())), show(ids_of(c["ids"])));
    }
}

void TestTokenizer::invalidUtf8InputIsRepairedFirst() {
    // A Rust &str cannot hold these bytes; each ill-formed subpart becomes U+FFFD first, as
    // String::from_utf8_lossy does, and is then encoded as that character.
    const std::string bad = "a\xF0\x9F\x98"
                            "b\xC0\xAF"
                            "c\xED\xA0\x80";
    const std::string repaired = "a\xEF\xBF\xBD"
                                 "b\xEF\xBF\xBD\xEF\xBF\xBD"
                                 "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD";
    QCOMPARE(show(plain_->encode(bad)), show(plain_->encode(repaired)));
    QCOMPARE(bytes(plain_->decode(plain_->encode(bad))), bytes(repaired));
}

void TestTokenizer::vocabularyQueries() {
    const Tokenizer& t = *with_extras_;
    QCOMPARE(t.vocab_size(), std::size_t(49218));
    QCOMPARE(plain_->vocab_size(), std::size_t(49152));
    QCOMPARE(t.token_to_id("<|im_end|>"), 2);
    QCOMPARE(t.token_to_id("<|image|>"), 49152);
    QCOMPARE(t.token_to_id("<row_8_col_8>"), 49217);
    QCOMPARE(plain_->token_to_id("<|image|>"), -1);
    QCOMPARE(t.token_to_id("Ġworld"), 905);
    QCOMPARE(t.token_to_id("no such token"), -1);
    QVERIFY2(t.is_special(0) && t.is_special(16) && t.is_special(49217), "special ids");
    QVERIFY2(!t.is_special(17) && !t.is_special(-1) && !t.is_special(1 << 30), "ordinary ids");
    QCOMPARE(bytes(t.token_bytes(905)), QByteArray(" world"));
    QCOMPARE(bytes(t.token_bytes(49153)), QByteArray("<|global_image|>"));
    QCOMPARE(bytes(t.token_bytes(235)), QByteArray("\x91")); // "ĳ": one raw byte
    QCOMPARE(bytes(t.token_bytes(-5)), QByteArray());
    // Ids neither the vocabulary nor the added tokens know are skipped, as Tokenizer::decode does.
    const std::vector<TokenId> ids = {19556, -1, 99999999, 905};
    QCOMPARE(bytes(t.decode(ids)), QByteArray("Hello world"));
    QCOMPARE(QString::fromStdString(t.source()), QString::fromStdString(kTokenizerJson));
}

void TestTokenizer::concurrentEncode() {
    const int kThreads = 4;
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 3; ++round) {
                for (const Json& c : encode_cases_) {
                    const std::string text = c["text"];
                    if (with_extras_->encode(text) != ids_of(c["ids"]) ||
                        with_extras_->decode(ids_of(c["ids"])) != c["decoded"].get<std::string>()) {
                        ++mismatches[std::size_t(t)];
                    }
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (int t = 0; t < kThreads; ++t) {
        QVERIFY2(mismatches[std::size_t(t)] == 0,
                 qPrintable(QString("thread %1: %2 cases differ").arg(t).arg(mismatches[t])));
    }
}

void TestTokenizer::badInput_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("expected"); // parts the message must contain
    const std::string full = read_file(kTokenizerJson);
    QTest::newRow("truncated") << bytes(full.substr(0, full.size() / 2))
                               << QStringList{"JSON", "end of input"};
    QTest::newRow("empty file") << QByteArray() << QStringList{"JSON"};
    QTest::newRow("not JSON") << QByteArray("vocab: a b c") << QStringList{"JSON"};
    QTest::newRow("not an object") << QByteArray("[1, 2]") << QStringList{"object"};
    QTest::newRow("merge of unknown token")
        << bytes(tiny_tokenizer_json({{"merges", {"a b", "a c"}}}))
        << QStringList{"merges entry 2", "\"c\"", "model.vocab"};
    QTest::newRow("merge result not in vocab")
        << bytes(tiny_tokenizer_json({{"merges", {"b a"}}})) << QStringList{"\"ba\""};
    QTest::newRow("merge without space")
        << bytes(tiny_tokenizer_json({{"merges", {"ab"}}})) << QStringList{"merges entry 1"};
    QTest::newRow("empty vocab") << bytes(tiny_tokenizer_json(
                                        {{"vocab", Json::object()}, {"merges", Json::array()}}))
                                 << QStringList{"vocab is empty"};
    QTest::newRow("negative id") << bytes(tiny_tokenizer_json({{"vocab", {{"a", -3}}}}))
                                 << QStringList{"model.vocab[\"a\"]"};
    QTest::newRow("id not a number") << bytes(tiny_tokenizer_json({{"vocab", {{"a", "x"}}}}))
                                     << QStringList{"model.vocab[\"a\"]", "integer"};
    QTest::newRow("no merges") << bytes(tiny_tokenizer_json({{"merges", nullptr}}))
                               << QStringList{"model.merges"};
    QTest::newRow("WordPiece") << bytes(tiny_tokenizer_json({{"type", "WordPiece"}}))
                               << QStringList{"WordPiece", "not supported"};
    QTest::newRow("dropout") << bytes(tiny_tokenizer_json({{"dropout", 0.1}}))
                             << QStringList{"dropout", "not supported"};
    QTest::newRow("unknown unk_token")
        << bytes(tiny_tokenizer_json({{"unk_token", "<unk>"}})) << QStringList{"<unk>"};

    Json normalizer = Json::parse(tiny_tokenizer_json());
    normalizer["normalizer"] = {{"type", "NFC"}};
    QTest::newRow("normalizer") << bytes(normalizer.dump())
                                << QStringList{"normalizer", "NFC", "not supported"};
    Json order = Json::parse(tiny_tokenizer_json());
    order["pre_tokenizer"] = {{"type", "Sequence"},
                              {"pretokenizers", {{{"type", "ByteLevel"}}, {{"type", "Digits"}}}}};
    QTest::newRow("ByteLevel first")
        << bytes(order.dump()) << QStringList{"pretokenizers[0]", "ByteLevel before"};
    Json split = Json::parse(tiny_tokenizer_json());
    split["pre_tokenizer"] = {{"type", "Metaspace"}};
    QTest::newRow("Metaspace") << bytes(split.dump()) << QStringList{"Metaspace"};
    Json template_processing = Json::parse(tiny_tokenizer_json());
    template_processing["post_processor"] = {{"type", "TemplateProcessing"}};
    QTest::newRow("TemplateProcessing")
        << bytes(template_processing.dump()) << QStringList{"TemplateProcessing"};
    Json single_word = Json::parse(tiny_tokenizer_json());
    single_word["added_tokens"] = {{{"id", 3}, {"content", "<x>"}, {"single_word", true}}};
    QTest::newRow("single_word") << bytes(single_word.dump()) << QStringList{"<x>", "single_word"};
}

void TestTokenizer::badInput() {
    QFETCH(QByteArray, json);
    QFETCH(QStringList, expected);
    const std::string message = error_of([&] {
        Tokenizer::from_json(std::string_view(json.constData(), std::size_t(json.size())),
                             "bad/tokenizer.json");
    });
    QVERIFY2(!message.empty(), "no Error thrown");
    const QString text = QString::fromStdString(message);
    QVERIFY2(text.startsWith("bad/tokenizer.json: "), qPrintable("no file name in: " + text));
    for (const QString& part : expected) {
        QVERIFY2(text.contains(part), qPrintable("\"" + part + "\" missing from: " + text));
    }
}

void TestTokenizer::locateExplicitAndModelDir() {
    QTemporaryDir dir;
    QVERIFY2(dir.isValid(), "no temporary directory");
    const std::string root = dir.path().toStdString();
    const std::string file = root + "/tokenizer.json";
    std::filesystem::copy_file(kTokenizerJson, file);

    QCOMPARE(qstr(nanovlm::locate_tokenizer(file, "/nonexistent", "org/name")), qstr(file));
    QCOMPARE(qstr(nanovlm::locate_tokenizer("", root, "org/name")), qstr(file));
    const std::string missing =
        error_of([&] { nanovlm::locate_tokenizer(root + "/absent.json", root, "org/name"); });
    QVERIFY2(QString::fromStdString(missing).contains("absent.json"),
             qPrintable("an explicit file that is missing is an error, not a fallback: " +
                        QString::fromStdString(missing)));
    QCOMPARE(Tokenizer::load(nanovlm::locate_tokenizer("", root, "")).vocab_size(),
             std::size_t(49152));
    const std::string load_error = error_of([&] { Tokenizer::load(root + "/absent.json"); });
    QVERIFY2(QString::fromStdString(load_error).contains(QString::fromStdString(root)),
             qPrintable("a missing file names its path: " + QString::fromStdString(load_error)));
}

void TestTokenizer::locateHubCache() {
    // The layout huggingface_hub writes: snapshot files are symlinks into blobs/.
    QTemporaryDir dir;
    QVERIFY2(dir.isValid(), "no temporary directory");
    namespace fs = std::filesystem;
    const fs::path hub = fs::path(dir.path().toStdString()) / "hub";
    const fs::path repo = hub / "models--HuggingFaceTB--SmolLM2-360M-Instruct";
    fs::create_directories(repo / "blobs");
    fs::copy_file(kTokenizerJson, repo / "blobs" / "9ca9acdd");
    for (const char* rev : {"aaaa1111", "ffff9999"}) {
        fs::create_directories(repo / "snapshots" / rev);
        fs::create_symlink("../../blobs/9ca9acdd", repo / "snapshots" / rev / "tokenizer.json");
    }
    fs::create_directories(repo / "refs");
    std::ofstream(repo / "refs" / "main") << "ffff9999";
    const std::string name = "HuggingFaceTB/SmolLM2-360M-Instruct";
    const std::string by_ref = (repo / "snapshots" / "ffff9999" / "tokenizer.json").string();

    const QByteArray saved_hub = qgetenv("HF_HUB_CACHE");
    const QByteArray saved_home = qgetenv("HF_HOME");
    qputenv("HF_HUB_CACHE", QByteArray::fromStdString(hub.string()));
    QCOMPARE(qstr(nanovlm::locate_tokenizer("", "", name)), qstr(by_ref));
    QCOMPARE(Tokenizer::load(by_ref).vocab_size(), std::size_t(49152)); // through the symlink

    // HF_HOME/hub when HF_HUB_CACHE is unset.
    qunsetenv("HF_HUB_CACHE");
    qputenv("HF_HOME", QByteArray::fromStdString(dir.path().toStdString()));
    QCOMPARE(qstr(nanovlm::locate_tokenizer("", "", name)), qstr(by_ref));

    // Without refs/main, or when it names a snapshot without the file, the first snapshot by
    // name that has it.
    const std::string first = (repo / "snapshots" / "aaaa1111" / "tokenizer.json").string();
    fs::remove(repo / "refs" / "main");
    QCOMPARE(qstr(nanovlm::locate_tokenizer("", "", name)), qstr(first));
    std::ofstream(repo / "refs" / "main") << "0000dead\n";
    QCOMPARE(qstr(nanovlm::locate_tokenizer("", "", name)), qstr(first));

    saved_hub.isNull() ? qunsetenv("HF_HUB_CACHE") : qputenv("HF_HUB_CACHE", saved_hub);
    saved_home.isNull() ? qunsetenv("HF_HOME") : qputenv("HF_HOME", saved_home);
}

void TestTokenizer::locateNotFound() {
    QTemporaryDir dir;
    QVERIFY2(dir.isValid(), "no temporary directory");
    const std::string root = dir.path().toStdString();
    const QByteArray saved_hub = qgetenv("HF_HUB_CACHE");
    qputenv("HF_HUB_CACHE", QByteArray::fromStdString(root + "/hub"));
    // A snapshot whose tokenizer.json link dangles (the blob was never downloaded).
    namespace fs = std::filesystem;
    const fs::path snapshot = fs::path(root) / "hub/models--org--name/snapshots/abc123";
    fs::create_directories(snapshot);
    fs::create_symlink("../../blobs/missing", snapshot / "tokenizer.json");

    const QString message = QString::fromStdString(
        error_of([&] { nanovlm::locate_tokenizer("", root + "/ckpt", "org/name"); }));
    saved_hub.isNull() ? qunsetenv("HF_HUB_CACHE") : qputenv("HF_HUB_CACHE", saved_hub);

    for (const QString& part :
         {QString::fromStdString(root + "/ckpt/tokenizer.json"),
          QString::fromStdString((snapshot / "tokenizer.json").string()),
          QString("huggingface-cli download org/name tokenizer.json"), QString("--tokenizer")}) {
        QVERIFY2(message.contains(part), qPrintable("\"" + part + "\" missing from: " + message));
    }
}

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
