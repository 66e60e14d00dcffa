// Bad checkpoints and bad session input become one nanovlm::Error whose message names the file
// and the problem, never a crash (STYLE.md §6). Each broken checkpoint is a copy of the main
// parity fixture (tests/fixtures/parity/main/ckpt) with one thing changed, written to a temporary
// folder. Also the positive side of the loader: F16 and BF16 copies of the fixture load and give
// the PyTorch logits within their rounding, every F16/BF16 bit pattern converts exactly, and a
// head stored under decoder.token_embedding.weight gives the same logits as decoder.head.weight.

#include "parity_fixtures.h"

#include "model_impl.h" // Model::Impl: the converted weights, to check F16/BF16 decoding
#include "nanovlm/error.h"
#include "nanovlm/generation.h"
#include "nanovlm/model.h"
#include "nanovlm/session.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using nanovlm::TokenId;
using Json = nlohmann::ordered_json;

namespace {

QByteArray read_bytes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.readAll();
}

bool write_bytes(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray le64(std::uint64_t v) {
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i) {
        bytes[i] = char((v >> (8 * i)) & 0xff);
    }
    return bytes;
}

// A .safetensors file taken apart: the header JSON (key order kept) and the data section.
struct Safetensors {
    Json header;
    QByteArray data;

    static Safetensors parse(const QByteArray& file) {
        std::uint64_t length = 0;
        for (int i = 7; i >= 0; --i) {
            length = (length << 8) | std::uint8_t(file[i]);
        }
        Safetensors s;
        s.header = Json::parse(file.constData() + 8, file.constData() + 8 + length);
        s.data = file.mid(qsizetype(8 + length));
        return s;
    }

    // Header padded with spaces to a multiple of 8, as the safetensors writer does.
    QByteArray header_bytes() const {
        QByteArray text = QByteArray::fromStdString(header.dump());
        while (text.size() % 8 != 0) {
            text.append(' ');
        }
        return text;
    }

    // `extra_padding` spaces after the padded header shift the data off its 8-byte alignment.
    QByteArray serialize(int extra_padding = 0) const {
        const QByteArray text = header_bytes() + QByteArray(extra_padding, ' ');
        return le64(std::uint64_t(text.size())) + text + data;
    }

    std::vector<float> floats(const std::string& name) const {
        const auto& offsets = header.at(name).at("data_offsets");
        const std::size_t begin = offsets[0].get<std::size_t>(),
                          end = offsets[1].get<std::size_t>();
        std::vector<float> values((end - begin) / 4);
        std::memcpy(values.data(), data.constData() + begin, end - begin);
        return values;
    }

    // The tensors packed back to back in header order, as a writer leaves a file that never had
    // the tensors erased from the header (the format allows no bytes outside every tensor).
    Safetensors repacked() const {
        Safetensors out;
        out.header = header;
        std::uint64_t offset = 0;
        for (const std::string& name : tensor_names()) {
            const auto& offsets = header.at(name).at("data_offsets");
            const std::uint64_t begin = offsets[0], end = offsets[1];
            out.data.append(data.mid(qsizetype(begin), qsizetype(end - begin)));
            out.header[name]["data_offsets"] = {offset, offset + (end - begin)};
            offset += end - begin;
        }
        return out;
    }

    std::vector<std::string> tensor_names() const {
        std::vector<std::string> names;
        for (const auto& [name, entry] : header.items()) {
            if (name != "__metadata__") {
                names.push_back(name);
            }
        }
        return names;
    }
};

// IEEE binary16 with round-to-nearest-even, as torch's .half() does.
std::uint16_t float_to_half(float f) {
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    const std::uint32_t sign = (x >> 16) & 0x8000;
    const std::uint32_t abs = x & 0x7fffffff;
    if (abs >= 0x7f800000) { // inf, NaN
        return std::uint16_t(sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));
    }
    if (abs >= 0x477ff000) { // >= 65520 rounds past the largest half, 65504
        return std::uint16_t(sign | 0x7c00);
    }
    if (abs < 0x33000000) { // below half the smallest subnormal, 2^-25
        return std::uint16_t(sign);
    }
    auto round_shift = [](std::uint32_t value, int shift) {
        std::uint32_t q = value >> shift;
        const std::uint32_t rem = value & ((1u << shift) - 1);
        const std::uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) {
            ++q;
        }
        return q;
    };
    const int exponent = int(abs >> 23);
    if (exponent < 113) { // a half subnormal: units of 2^-24
        const std::uint32_t mantissa = (abs & 0x7fffff) | 0x800000;
        return std::uint16_t(sign | round_shift(mantissa, 126 - exponent));
    }
    // Rebias 127 -> 15 and round 23 -> 10 mantissa bits; a carry correctly bumps the exponent.
    return std::uint16_t(sign | round_shift(abs - (112u << 23), 13));
}

std::uint16_t float_to_bf16(float f) {
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffff) > 0x7f800000) {
        return std::uint16_t((x >> 16) | 0x40);
    }
    return std::uint16_t((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

// The decoders written from the format definitions (value = ±(1.m)·2^(e − bias), subnormals
// ±(0.m)·2^(1 − bias)), independent of the bit tricks a converter would use.
double half_value(std::uint16_t h) {
    const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (e == 0x1f) {
        return m != 0 ? std::numeric_limits<double>::quiet_NaN() : sign * INFINITY;
    }
    return e == 0 ? sign * std::ldexp(double(m), -24) : sign * std::ldexp(1024.0 + m, e - 25);
}

double bf16_value(std::uint16_t b) {
    const int e = (b >> 7) & 0xff, m = b & 0x7f;
    const double sign = (b & 0x8000) ? -1.0 : 1.0;
    if (e == 0xff) {
        return m != 0 ? std::numeric_limits<double>::quiet_NaN() : sign * INFINITY;
    }
    return e == 0 ? sign * std::ldexp(double(m), -133) : sign * std::ldexp(128.0 + m, e - 134);
}

// Every tensor rewritten as `dtype` ("F16" or "BF16"), packed in the original order.
Safetensors convert(const Safetensors& source, const std::string& dtype) {
    Safetensors out;
    out.header = source.header;
    std::uint64_t offset = 0;
    for (const std::string& name : source.tensor_names()) {
        const auto values = source.floats(name);
        for (float v : values) {
            const std::uint16_t bits = dtype == "F16" ? float_to_half(v) : float_to_bf16(v);
            out.data.append(char(bits & 0xff));
            out.data.append(char(bits >> 8));
        }
        out.header[name]["dtype"] = dtype;
        out.header[name]["data_offsets"] = {offset, offset + 2 * values.size()};
        offset += 2 * values.size();
    }
    return out;
}

std::string first_tensor_at_or_after(const Safetensors& s, std::uint64_t cut) {
    for (const std::string& name : s.tensor_names()) {
        if (s.header[name]["data_offsets"][1].get<std::uint64_t>() > cut) {
            return name;
        }
    }
    return {};
}

// The message of the Error that loading `dir` throws; a null string when it loads.
QString load_error(const QString& dir) {
    try {
        nanovlm::Model::load(dir.toStdString());
    } catch (const nanovlm::Error& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("NOT A nanovlm::Error: ") + e.what();
    }
    return {};
}

QString parity_path(const char* relative) {
    return parity::root() + "/" + relative;
}

} // namespace

class TestCheckpointErrors : public QObject {
    Q_OBJECT

private:
    QByteArray config_;                   // the fixture's config.json
    QByteArray weights_;                  // the fixture's model.safetensors
    Safetensors parsed_;                  // the same, taken apart
    std::vector<TokenId> ids_;            // the main-64x64 case's prompt
    std::vector<float> reference_logits_; // PyTorch's last-position logits for the case

    static std::shared_ptr<const nanovlm::Model> load_fixture() {
        return nanovlm::Model::load(parity_path("main/ckpt").toStdString());
    }

    // The ViT input exactly as PyTorch had it (a 1x1 grid: one tile, no global tile).
    nanovlm::PreprocessedImage dumped_pixels() const {
        nanovlm::PreprocessedImage image;
        image.tile_size = 64;
        image.pixels = parity::read_f32(parity_path("main/64x64/dumps/pixel_values.f32"));
        return image;
    }

    // The projector output PyTorch computed for the case: what the 4 <|image|> ids stand for.
    static nanovlm::ImageEmbedding dumped_embedding() {
        nanovlm::ImageEmbedding e;
        e.tiles = 1;
        e.tokens = 4;
        e.values = parity::read_f32(parity_path("main/64x64/dumps/image_embd.f32"));
        return e;
    }

    // Image through the ViT, then the case prompt: the logits after the last prompt position.
    std::vector<float> case_logits(const std::shared_ptr<const nanovlm::Model>& model) const {
        nanovlm::Session session(model);
        const auto embedding = session.encode_image(dumped_pixels());
        if (!embedding || !session.append(ids_, {&*embedding, 1})) {
            return {};
        }
        return {session.logits().begin(), session.logits().end()};
    }

    QString write_checkpoint(const QTemporaryDir& dir, const Safetensors& s) const {
        if (!write_bytes(dir.filePath("config.json"), config_) ||
            !write_bytes(dir.filePath("model.safetensors"), s.serialize())) {
            return {};
        }
        return dir.path();
    }

    void add_row(const char* name, const QByteArray& config, const QByteArray& weights,
                 const QStringList& needles, const QStringList& any_of = {}) {
        QTest::newRow(name) << true << config << true << weights << needles << any_of;
    }

    // A copy of the fixture with one header entry edited.
    QByteArray with_entry(const std::string& tensor, const char* key, const Json& value) const {
        Safetensors s = parsed_;
        s.header[tensor][key] = value;
        return s.serialize();
    }

    // The fixture's config.json with `fields` (an object) set over it.
    QByteArray with_config_fields(const Json& fields) const {
        Json config = Json::parse(config_.constData(), config_.constData() + config_.size());
        config.update(fields);
        return QByteArray::fromStdString(config.dump(4));
    }
    QByteArray with_config_field(const char* key, const Json& value) const {
        return with_config_fields(Json{{key, value}});
    }

private slots:
    void initTestCase() {
        config_ = read_bytes(parity_path("main/ckpt/config.json"));
        weights_ = read_bytes(parity_path("main/ckpt/model.safetensors"));
        QVERIFY2(!config_.isEmpty() && weights_.size() > 8, "the main parity fixture is missing");
        parsed_ = Safetensors::parse(weights_);
        QCOMPARE(parsed_.serialize(), weights_); // the helper round-trips the fixture exactly
        ids_ = parity::read_json(parity_path("main/64x64/case.json"))["ids"]
                   .get<std::vector<TokenId>>();
        reference_logits_ = parity::read_f32(parity_path("main/64x64/dumps/logits_last.f32"));
        QCOMPARE(reference_logits_.size(), std::size_t(49218));
    }

    // Each row: the files to write (config.json, model.safetensors), and what the error message
    // must contain: every `needles` entry ("%DIR%" stands for the checkpoint folder), and at least
    // one `any_of` entry when given.
    void broken_checkpoint_data() {
        QTest::addColumn<bool>("write_config");
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<bool>("write_weights");
        QTest::addColumn<QByteArray>("weights");
        QTest::addColumn<QStringList>("needles");
        QTest::addColumn<QStringList>("any_of");
        const QString st = QStringLiteral("%DIR%/model.safetensors");
        const QString cfg = QStringLiteral("%DIR%/config.json");
        const std::uint64_t header_len = std::uint64_t(parsed_.header_bytes().size());
        const std::uint64_t data_size = std::uint64_t(parsed_.data.size());
        const std::string norm = "decoder.norm.weight"; // [8] F32: bytes [1600768, 1600800)
        const std::string q1 = "decoder.blocks.1.attn.q_proj.weight"; // [8, 8]

        // --- the safetensors container ---
        {
            const qsizetype cut = weights_.size() - 1000;
            const std::string first =
                first_tensor_at_or_after(parsed_, std::uint64_t(cut) - 8 - header_len);
            add_row("truncated in the data section", config_, weights_.left(cut),
                    {st, "truncated", "beyond", QString::fromStdString(first)});
        }
        add_row("truncated to the first tensor", config_,
                weights_.left(qsizetype(8 + header_len + 100)), {st, "truncated", "beyond"});
        add_row("truncated inside the header", config_,
                weights_.left(qsizetype(8 + header_len / 2)),
                {st, "header length", "larger than the file"});
        add_row("truncated inside the length", config_, weights_.left(5), {st, "too short"});
        add_row("zero-byte file", config_, QByteArray(""), {st, "empty"});
        add_row("header length larger than the file", config_,
                le64(std::uint64_t(weights_.size())) + weights_.mid(8),
                {st, "header length", "larger than the file"});
        add_row("header length 2^64 - 1", config_, le64(~std::uint64_t(0)) + weights_.mid(8),
                {st, "header length", "larger than the file"});
        {
            QByteArray garbage = weights_;
            const QByteArray text = "{\"MP.proj.weight\": {\"dtype\": [1, 2, ";
            garbage.replace(8, text.size(), text);
            add_row("header not JSON", config_, garbage, {st, "not valid JSON"});
        }
        {
            Safetensors s;
            s.header = Json::array({1, 2, 3});
            s.data = parsed_.data;
            add_row("header a JSON array", config_, s.serialize(), {st, "not a JSON object"});
        }

        // --- one tensor's entry ---
        const Json norm_offsets = parsed_.header[norm]["data_offsets"];
        const std::uint64_t norm_begin = norm_offsets[0], norm_end = norm_offsets[1];
        {
            Safetensors s = parsed_;
            s.header["decoder.blocks.0.norm2.weight"]["data_offsets"] =
                parsed_.header["decoder.blocks.0.norm1.weight"]["data_offsets"];
            add_row(
                "two tensors on the same bytes", config_, s.serialize(),
                {st, "overlap", "decoder.blocks.0.norm1.weight", "decoder.blocks.0.norm2.weight"});
        }
        add_row("a tensor overlapping its neighbour", config_,
                with_entry(norm, "data_offsets", {norm_begin + 4, norm_end + 4}),
                {st, "overlap", QString::fromStdString(norm)});
        add_row("offsets past the end of the file", config_,
                with_entry(norm, "data_offsets", {data_size, data_size + 32}),
                {st, QString::fromStdString(norm), "beyond"});
        add_row("offsets near 2^64", config_,
                with_entry(norm, "data_offsets", {~std::uint64_t(0) - 31, ~std::uint64_t(0)}),
                {st, QString::fromStdString(norm)}, {"beyond", "needs"});
        add_row("offsets running backwards", config_,
                with_entry(norm, "data_offsets", {norm_end, norm_begin}),
                {st, QString::fromStdString(norm), "backwards"});
        add_row("offsets not a pair", config_, with_entry(norm, "data_offsets", {norm_begin}),
                {st, QString::fromStdString(norm), "data_offsets"});
        add_row("negative offset", config_, with_entry(norm, "data_offsets", {-32, 0}),
                {st, QString::fromStdString(norm), "data_offsets"});
        add_row("dtype I64", config_, with_entry(norm, "dtype", "I64"),
                {st, QString::fromStdString(norm), "I64"});
        add_row("dtype missing", config_, with_entry(norm, "dtype", nullptr),
                {st, QString::fromStdString(norm), "dtype"});
        add_row("F16 dtype on F32 bytes", config_, with_entry(norm, "dtype", "F16"),
                {st, QString::fromStdString(norm), "F16", "16 bytes", "32"});
        add_row("shape needing more bytes than stored", config_, with_entry(norm, "shape", {9}),
                {st, QString::fromStdString(norm), "36 bytes", "32"});
        add_row("shape with a negative size", config_, with_entry(norm, "shape", {-8}),
                {st, QString::fromStdString(norm), "shape"});
        add_row("shape overflowing 64 bits", config_,
                with_entry(norm, "shape", {std::uint64_t(1) << 40, std::uint64_t(1) << 40}),
                {st, QString::fromStdString(norm), "shape"});
        add_row("shape not a list", config_, with_entry(norm, "shape", "8"),
                {st, QString::fromStdString(norm), "shape"});

        // --- the tensor table ---
        add_row("wrong shape of one tensor", config_, with_entry(q1, "shape", {4, 16}),
                {st, QString::fromStdString(q1), "[4, 16]", "[8, 8]"});
        {
            Safetensors s = parsed_;
            s.header.erase(norm);
            add_row("missing decoder.norm.weight", config_, s.repacked().serialize(),
                    {st, QString::fromStdString(norm), "missing", "[8]"});
        }
        {
            Safetensors s = parsed_;
            s.header.erase("decoder.head.weight");
            add_row("missing head under both names", config_, s.repacked().serialize(),
                    {st, "decoder.head.weight", "decoder.token_embedding.weight", "missing"});
        }

        // --- config.json ---
        add_row("lm_hidden_dim a string", with_config_field("lm_hidden_dim", "eight"), weights_,
                {cfg, "lm_hidden_dim", "integer", "eight"});
        add_row("vit_ln_eps a string", with_config_field("vit_ln_eps", "1e-6"), weights_,
                {cfg, "vit_ln_eps", "number"});
        add_row("lm_n_blocks fractional", with_config_field("lm_n_blocks", 2.5), weights_,
                {cfg, "lm_n_blocks", "integer"});
        add_row("config not JSON", QByteArray("{\"vit_hidden_dim\": 32,"), weights_,
                {cfg, "not valid JSON"});
        // Found by fuzz_model_config: a number beyond double threw past the JSON error handler.
        add_row("config with the number 3e333", QByteArray("{\"lm_n_blocks\": 3e333}"), weights_,
                {cfg, "not valid JSON"});
        add_row("config a JSON array", QByteArray("[1, 2]"), weights_, {cfg, "JSON object"});
        // Found by fuzz_model_config: casting 3.6e79 to an integer was undefined behaviour.
        add_row("lm_n_blocks 3.6e79", with_config_field("lm_n_blocks", 3.6e79), weights_,
                {cfg, "lm_n_blocks", "between -16777216 and 16777216"});
        // Found by fuzz_model_config: the default vit_inter_dim, 4 x 1666666666, overflowed int.
        add_row("vit_hidden_dim 1666666666", with_config_field("vit_hidden_dim", 1666666666),
                weights_, {cfg, "vit_hidden_dim", "between -16777216 and 16777216"});
        // Fields each in range whose products are not: 16777216² patches a tile, and a
        // projector input of 16777216 x 16².
        add_row("vit_img_size 16777216, patch 1",
                with_config_fields({{"vit_img_size", 16777216}, {"vit_patch_size", 1}}), weights_,
                {cfg, "patches a side"});
        add_row("vit_hidden_dim 16777216, shuffle 16",
                with_config_fields({{"vit_hidden_dim", 16777216}, {"mp_pixel_shuffle_factor", 16}}),
                weights_, {cfg, "projector's input width"});
        // Found by fuzz_model_config: 91834 ViT blocks took 50 s to describe before any check.
        add_row("vit_n_blocks 91834", with_config_field("vit_n_blocks", 91834), weights_,
                {cfg, "vit_n_blocks", "91834", "more than the 1024 blocks"});
        add_row("lm_n_heads not dividing lm_hidden_dim", with_config_field("lm_n_heads", 3),
                weights_, {cfg, "lm_hidden_dim", "lm_n_heads", "divisible"});
        add_row("lm_n_blocks zero", with_config_field("lm_n_blocks", 0), weights_,
                {cfg, "lm_n_blocks", "positive"});
        // A valid config that does not describe these weights: the first tensor it disagrees
        // with is the projector, [lm_hidden_dim, 512].
        add_row("config wider than the weights",
                [&] {
                    Json c = Json::parse(config_.constData(), config_.constData() + config_.size());
                    c["lm_hidden_dim"] = 16;
                    return QByteArray::fromStdString(c.dump());
                }(),
                weights_, {st, "MP.proj.weight", "[8, 512]", "[16, 512]"});

        // --- missing files ---
        QTest::newRow("missing model.safetensors")
            << true << config_ << false << QByteArray() << QStringList{st} << QStringList{};
        QTest::newRow("missing config.json") << false << QByteArray() << true << weights_
                                             << QStringList{cfg, "missing"} << QStringList{};
    }
    void broken_checkpoint() {
        QFETCH(bool, write_config);
        QFETCH(QByteArray, config);
        QFETCH(bool, write_weights);
        QFETCH(QByteArray, weights);
        QFETCH(QStringList, needles);
        QFETCH(QStringList, any_of);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        if (write_config) {
            QVERIFY(write_bytes(dir.filePath("config.json"), config));
        }
        if (write_weights) {
            QVERIFY(write_bytes(dir.filePath("model.safetensors"), weights));
        }

        const QString error = load_error(dir.path());

        QVERIFY2(!error.isNull(), "the broken checkpoint loaded without an error");
        QVERIFY2(!error.startsWith("NOT A"), qPrintable(error));
        for (QString needle : needles) {
            needle.replace("%DIR%", dir.path());
            QVERIFY2(error.contains(needle),
                     qPrintable(
                         QString("the message does not mention \"%1\":\n  %2").arg(needle, error)));
        }
        if (!any_of.isEmpty()) {
            const bool found = std::any_of(any_of.begin(), any_of.end(),
                                           [&](const QString& s) { return error.contains(s); });
            QVERIFY2(found, qPrintable(QString("the message mentions none of %1:\n  %2")
                                           .arg(any_of.join(", "), error)));
        }
    }

    void folder_that_does_not_exist() {
        QTemporaryDir parent;
        const QString missing = parent.filePath("no-such-checkpoint");
        const QString error = load_error(missing);
        QVERIFY2(!error.isNull(), "a folder that does not exist loaded");
        QVERIFY2(error.contains(missing) && error.contains("not a checkpoint folder"),
                 qPrintable(error));
    }

    void a_file_instead_of_a_folder() {
        const QString file = parity_path("main/ckpt/config.json");
        const QString error = load_error(file);
        QVERIFY2(!error.isNull(), "a file loaded as a checkpoint folder");
        QVERIFY2(error.contains(file) && error.contains("not a checkpoint folder"),
                 qPrintable(error));
    }

    void a_folder_instead_of_model_safetensors() {
        QTemporaryDir dir;
        QVERIFY(write_bytes(dir.filePath("config.json"), config_));
        QVERIFY(QDir(dir.path()).mkdir("model.safetensors"));
        const QString error = load_error(dir.path());
        QVERIFY2(!error.isNull(), "a folder named model.safetensors loaded");
        QVERIFY2(error.contains(dir.filePath("model.safetensors")), qPrintable(error));
    }

    // --- loads that must work ---

    // Reduced precision: weights rounded to F16 (11-bit significand, relative rounding 2^-12)
    // or BF16 (8-bit, 2^-9). The logits must stay close to PyTorch's F32 logits: within
    // 5e-3 (F16) or 6e-2 (BF16) of the largest logit (3 to 4 times what these weights give:
    // 1.2e-3 and 2.0e-2; the ratio follows the 3 bits between the formats), with the same top-1
    // id (the case's top-1 margin is 3% of the largest logit). A wrong decoding (BF16 read as
    // F16, a misplaced exponent bias, subnormals flushed) lands far outside.
    void reduced_precision_logits_data() {
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("F16") << "F16" << 5e-3;
        QTest::newRow("BF16") << "BF16" << 6e-2;
    }
    void reduced_precision_logits() {
        QFETCH(QString, dtype);
        QFETCH(double, tolerance);
        QTemporaryDir dir;
        const QString path = write_checkpoint(dir, convert(parsed_, dtype.toStdString()));
        QVERIFY(!path.isEmpty());
        std::shared_ptr<const nanovlm::Model> model;
        try {
            model = nanovlm::Model::load(path.toStdString());
        } catch (const nanovlm::Error& e) {
            QFAIL(e.what());
        }
        // Every weight was converted to float32 once, at load.
        QCOMPARE(model->converted_bytes(), std::size_t(parsed_.data.size()));

        const auto logits = case_logits(model);
        QCOMPARE(logits.size(), reference_logits_.size());
        const double error =
            parity::max_relative_error(logits.data(), reference_logits_.data(), logits.size());
        qInfo("%s logits: max error %.3g of the largest reference logit", qPrintable(dtype), error);
        QVERIFY2(error <= tolerance, qPrintable(QString("%1 logits differ by %2 relative, bound %3")
                                                    .arg(dtype)
                                                    .arg(error)
                                                    .arg(tolerance)));
        const auto top = [](const std::vector<float>& v) {
            return std::max_element(v.begin(), v.end()) - v.begin();
        };
        QCOMPARE(top(logits), top(reference_logits_));
    }

    // Every one of the 65536 bit patterns of each 16-bit format decodes to its exact value
    // (signed zeros, subnormals, infinities; NaN stays NaN). They are written over the start of
    // the head matrix, which the loader converts like any other tensor.
    void every_16_bit_pattern_converts_exactly_data() {
        QTest::addColumn<QString>("dtype");
        QTest::newRow("F16") << "F16";
        QTest::newRow("BF16") << "BF16";
    }
    void every_16_bit_pattern_converts_exactly() {
        QFETCH(QString, dtype);
        Safetensors s = convert(parsed_, dtype.toStdString());
        const std::size_t head = s.header["decoder.head.weight"]["data_offsets"][0];
        for (std::uint32_t bits = 0; bits < 65536; ++bits) {
            s.data[qsizetype(head + 2 * bits)] = char(bits & 0xff);
            s.data[qsizetype(head + 2 * bits + 1)] = char(bits >> 8);
        }
        QTemporaryDir dir;
        const QString path = write_checkpoint(dir, s);
        QVERIFY(!path.isEmpty());
        const auto model = nanovlm::Model::load(path.toStdString());
        const float* converted = model->impl().store->weights().language.token_embedding;
        for (std::uint32_t bits = 0; bits < 65536; ++bits) {
            const double expected =
                dtype == "F16" ? half_value(std::uint16_t(bits)) : bf16_value(std::uint16_t(bits));
            const float got = converted[bits];
            const bool same =
                std::isnan(expected)
                    ? std::isnan(got)
                    : double(got) == expected && std::signbit(got) == std::signbit(expected);
            if (!same) {
                QFAIL(qPrintable(QString("%1 bits 0x%2 became %3, expected %4")
                                     .arg(dtype)
                                     .arg(bits, 4, 16, QChar('0'))
                                     .arg(double(got), 0, 'g', 17)
                                     .arg(expected, 0, 'g', 17)));
            }
        }
    }

    // save_pretrained keeps the alphabetically first name of the tied head; a checkpoint saved
    // by other means may keep decoder.token_embedding.weight instead. Same bytes, same logits.
    void head_stored_as_token_embedding() {
        Safetensors s = parsed_;
        Json renamed = Json::object();
        for (const auto& [name, entry] : s.header.items()) {
            renamed[name == "decoder.head.weight" ? "decoder.token_embedding.weight" : name] =
                entry;
        }
        renamed["__metadata__"] = {{"decoder.head.weight", "decoder.token_embedding.weight"}};
        s.header = renamed;
        QTemporaryDir dir;
        const QString path = write_checkpoint(dir, s);
        QVERIFY(!path.isEmpty());
        std::shared_ptr<const nanovlm::Model> model;
        try {
            model = nanovlm::Model::load(path.toStdString());
        } catch (const nanovlm::Error& e) {
            QFAIL(e.what());
        }
        const auto logits = case_logits(model);
        const auto original = case_logits(load_fixture());
        QCOMPARE(logits.size(), original.size());
        QVERIFY2(logits == original, "the head under its other name gave different logits");
        // And both are PyTorch's.
        QVERIFY(parity::max_relative_error(logits.data(), reference_logits_.data(),
                                           logits.size()) <= 1e-4);
    }

    // F32 data that does not start on a 4-byte boundary (a header length of 8k + 2) cannot be
    // used in place; it is copied once, bit for bit, and gives the same logits.
    void unaligned_f32_weights() {
        QTemporaryDir dir;
        QVERIFY(write_bytes(dir.filePath("config.json"), config_));
        QVERIFY(write_bytes(dir.filePath("model.safetensors"), parsed_.serialize(2)));
        std::shared_ptr<const nanovlm::Model> model;
        try {
            model = nanovlm::Model::load(dir.path().toStdString());
        } catch (const nanovlm::Error& e) {
            QFAIL(e.what());
        }
        QCOMPARE(model->converted_bytes(), std::size_t(parsed_.data.size()));
        QCOMPARE(load_fixture()->converted_bytes(), std::size_t(0));
        const auto logits = case_logits(model);
        const auto original = case_logits(load_fixture());
        QCOMPARE(logits.size(), original.size());
        QVERIFY2(logits == original, "unaligned F32 weights gave different logits");
    }

    // --- bad input to a session: an Error, and the session stays as it was ---

    void token_outside_the_vocabulary() {
        const auto model = load_fixture();
        nanovlm::Session session(model);
        const auto embedding = dumped_embedding();
        for (TokenId bad : {TokenId(49218), TokenId(-1), TokenId(1 << 30)}) {
            auto ids = ids_;
            ids[10] = bad;
            try {
                session.append(ids, {&embedding, 1});
                QFAIL(qPrintable(QString("id %1 was accepted").arg(bad)));
            } catch (const nanovlm::Error& e) {
                QVERIFY2(QString(e.what()).contains(QString::number(bad)), e.what());
            }
            QCOMPARE(session.position(), 0);
        }
        QVERIFY(session.append(ids_, {&embedding, 1}));
        QVERIFY(parity::max_relative_error(session.logits().data(), reference_logits_.data(),
                                           reference_logits_.size()) <= 1e-4);

        const std::vector<float> before(session.logits().begin(), session.logits().end());
        for (TokenId bad : {TokenId(49218), TokenId(-7)}) {
            try {
                session.append_token(bad);
                QFAIL(qPrintable(QString("id %1 was accepted by append_token").arg(bad)));
            } catch (const nanovlm::Error& e) {
                QVERIFY2(QString(e.what()).contains(QString::number(bad)), e.what());
            }
            QCOMPARE(session.position(), int(ids_.size()));
            QVERIFY2(std::equal(before.begin(), before.end(), session.logits().begin()),
                     "a refused token changed the logits");
        }
        // The session goes on exactly as one that never saw the bad ids.
        nanovlm::Session clean(model);
        QVERIFY(clean.append(ids_, {&embedding, 1}));
        clean.append_token(451);
        session.append_token(451);
        QVERIFY(std::equal(clean.logits().begin(), clean.logits().end(), session.logits().begin()));
    }

    void placeholders_and_images_disagree() {
        const auto model = load_fixture();
        nanovlm::Session session(model);
        const auto embedding = dumped_embedding();
        const TokenId image = model->image_token_id();
        QCOMPARE(image, TokenId(49152));

        auto expect_error = [&](const std::vector<TokenId>& ids,
                                std::span<const nanovlm::ImageEmbedding> images, int placeholders,
                                int rows) {
            try {
                session.append(ids, images);
            } catch (const nanovlm::Error& e) {
                const QString message = e.what();
                return message.contains("placeholder") &&
                       message.contains(QString::number(placeholders)) &&
                       message.contains(QString::number(rows));
            }
            return false;
        };
        // 4 placeholders, no image.
        QVERIFY2(expect_error(ids_, {}, 4, 0), "4 placeholders without an image");
        // 5 placeholders, one image of 4 rows.
        auto more = ids_;
        more.insert(more.begin() + 4, image);
        QVERIFY2(expect_error(more, {&embedding, 1}, 5, 4), "5 placeholders for 4 image rows");
        // 3 placeholders, one image of 4 rows.
        auto fewer = ids_;
        fewer.erase(fewer.begin() + 4);
        QVERIFY2(expect_error(fewer, {&embedding, 1}, 3, 4), "3 placeholders for 4 image rows");
        // 4 placeholders, two images.
        const nanovlm::ImageEmbedding two[] = {embedding, embedding};
        QVERIFY2(expect_error(ids_, two, 4, 8), "4 placeholders for 8 image rows");
        QCOMPARE(session.position(), 0);

        QVERIFY(session.append(ids_, {&embedding, 1}));
        QVERIFY(parity::max_relative_error(session.logits().data(), reference_logits_.data(),
                                           reference_logits_.size()) <= 1e-4);
    }

    void prompt_longer_than_the_context() {
        const auto model = load_fixture();
        const int prompt = int(ids_.size()); // 18
        nanovlm::SessionOptions options;
        options.max_context = prompt + 2;
        nanovlm::Session session(model, options);
        QCOMPARE(session.max_context(), prompt + 2);
        const auto embedding = dumped_embedding();

        auto longer = ids_;
        longer.insert(longer.end(), {451, 314, 1780});
        try {
            session.append(longer, {&embedding, 1});
            QFAIL("a prompt of 21 positions was read into a context of 20");
        } catch (const nanovlm::Error& e) {
            const QString message = e.what();
            QVERIFY2(message.contains("21") && message.contains("20"), e.what());
        }
        QCOMPARE(session.position(), 0);

        // What fits still reads, and PyTorch's logits come out.
        QVERIFY(session.append(ids_, {&embedding, 1}));
        QVERIFY(parity::max_relative_error(session.logits().data(), reference_logits_.data(),
                                           reference_logits_.size()) <= 1e-4);
        // Three more ids do not fit after 18; one token at a time fills the last two places.
        const std::vector<TokenId> three = {451, 314, 1780};
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, session.append(three));
        QCOMPARE(session.position(), prompt);
        session.append_token(451);
        session.append_token(314);
        QCOMPARE(session.position(), prompt + 2);
        const std::vector<float> full(session.logits().begin(), session.logits().end());
        try {
            session.append_token(1780);
            QFAIL("a token was read past the end of the context");
        } catch (const nanovlm::Error& e) {
            QVERIFY2(QString(e.what()).contains("context"), e.what());
        }
        QCOMPARE(session.position(), prompt + 2);
        QVERIFY(std::equal(full.begin(), full.end(), session.logits().begin()));

        // Rewinding frees the places again, and the same token gives the same logits.
        session.rewind(prompt + 1);
        session.append_token(314);
        QVERIFY(std::equal(full.begin(), full.end(), session.logits().begin()));
    }

    // An embedding whose values do not hold tokens x width rows (made by a model of another
    // width) is refused before anything is read.
    void embedding_of_the_wrong_size() {
        const auto model = load_fixture();
        nanovlm::Session session(model);
        nanovlm::ImageEmbedding narrow = dumped_embedding();
        narrow.values.resize(narrow.values.size() / 2);
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, session.append(ids_, {&narrow, 1}));
        QCOMPARE(session.position(), 0);
    }

    // Regenerating: rewind to the end of the prompt and the next answer starts from the
    // prompt's logits again, not from those after the old answer.
    void rewind_restores_the_logits_of_the_kept_positions() {
        const auto model = load_fixture();
        nanovlm::Session session(model);
        const auto embedding = dumped_embedding();
        QVERIFY(session.append(ids_, {&embedding, 1}));
        const int prompt_end = session.position();
        const std::vector<float> prompt_logits(session.logits().begin(), session.logits().end());
        for (TokenId id : {451, 314, 1780}) {
            session.append_token(id);
        }
        session.rewind(prompt_end);
        QCOMPARE(session.position(), prompt_end);
        QVERIFY(parity::max_relative_error(session.logits().data(), prompt_logits.data(),
                                           prompt_logits.size()) <= 1e-6);
        // Rewinding to just after an image row cannot restore its logits.
        QVERIFY_THROWS_EXCEPTION(nanovlm::Error, session.rewind(5)); // ids[4] is an <|image|>
    }

    // generate() stops when the context is full instead of sampling ids it cannot read back.
    void generation_stops_at_a_full_context() {
        const auto model = load_fixture();
        nanovlm::SessionOptions options;
        options.max_context = int(ids_.size()) + 2;
        nanovlm::Session session(model, options);
        nanovlm::GenerationOptions generation;
        generation.sampling.greedy = true;
        generation.max_new_tokens = 5;
        const auto image = dumped_pixels();
        const auto result = nanovlm::generate(session, ids_, {&image, 1}, generation);
        QVERIFY(result.context_full);
        QCOMPARE(int(result.ids.size()), 2);
        QCOMPARE(result.decode_steps, 2);
        QCOMPARE(session.position(), options.max_context);
    }
};

QTEST_GUILESS_MAIN(TestCheckpointErrors)
#include "tst_checkpoint_errors.moc"
