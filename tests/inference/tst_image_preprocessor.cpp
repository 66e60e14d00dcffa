// Image preprocessing against the real PyTorch nanoVLM (tests/fixtures/parity): the resized tiles
// must be bit-identical to nanoVLM's pixel_values, the global tile within 1e-6; plus the
// DynamicResize geometry and the refusals.

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/image.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <vector>

using nanovlm::ImageGeometry;
using nanovlm::PreprocessedImage;
using nanovlm::RgbImage;

namespace {

QString parityPath(const QString& relative) {
    return QStringLiteral(NANOVLM_FIXTURES "/parity/") + relative;
}

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The fixture PNGs decoded as the app does: QImage, converted to tightly packed RGB8 rows.
RgbImage loadRgb(const QString& path) {
    const QImage image = QImage(path).convertToFormat(QImage::Format_RGB888);
    RgbImage rgb;
    if (image.isNull()) {
        return rgb;
    }
    rgb.width = image.width();
    rgb.height = image.height();
    rgb.pixels.resize(std::size_t(rgb.width) * rgb.height * 3);
    for (int y = 0; y < rgb.height; ++y) {
        std::memcpy(rgb.pixels.data() + std::size_t(y) * rgb.width * 3, image.constScanLine(y),
                    std::size_t(rgb.width) * 3);
    }
    return rgb;
}

// Raw little-endian float32, as the dumps are written.
std::vector<float> readF32(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    std::vector<float> values(std::size_t(bytes.size()) / sizeof(float));
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = qFromLittleEndian<float>(bytes.constData() + i * sizeof(float));
    }
    return values;
}

QByteArray sha256OfFloats(const std::vector<float>& values) {
    QByteArray bytes(qsizetype(values.size() * sizeof(float)), Qt::Uninitialized);
    for (std::size_t i = 0; i < values.size(); ++i) {
        qToLittleEndian<float>(values[i], bytes.data() + i * sizeof(float));
    }
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

double sum(const float* values, std::size_t count) {
    double total = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
        total += values[i];
    }
    return total;
}

// A deterministic busy picture: gradients, a checkerboard and pseudo-random noise.
RgbImage syntheticImage(int width, int height) {
    RgbImage image;
    image.width = width;
    image.height = height;
    image.pixels.resize(std::size_t(width) * height * 3);
    std::uint32_t state = 12345;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            state = state * 1664525u + 1013904223u;
            std::uint8_t* p = image.pixels.data() + (std::size_t(y) * width + x) * 3;
            p[0] = std::uint8_t(x * 255 / std::max(width - 1, 1));
            p[1] = std::uint8_t(((x / 7 + y / 7) % 2) * 200 + (state >> 27));
            p[2] = std::uint8_t(state >> 24);
        }
    }
    return image;
}

ImageGeometry tilesGeometry(int tile, int maxSide, bool resizeToMax, int maxTilesPerSide = 0) {
    ImageGeometry g;
    g.mode = ImageGeometry::Mode::Tiles;
    g.tile_size = tile;
    g.max_side = maxSide;
    g.resize_to_max_side = resizeToMax;
    g.max_tiles_per_side = maxTilesPerSide;
    return g;
}

} // namespace

class TestImagePreprocessor : public QObject {
    Q_OBJECT

private slots:
    void parity_data();
    void parity();
    void planTiles_data();
    void planTiles();
    void squareIgnoresAspect();
    void geometryFromConfig();
    void toTensorDividesInFloat();
    void tilesAreRowMajorAfterGlobal();
    void emptyImageThrows();
    void inconsistentBufferThrows();
    void hugeTargetThrows();
    void invalidGeometryThrows();
    void largePhotoIsFast();
};

void TestImagePreprocessor::parity_data() {
    QTest::addColumn<QString>("ckpt");
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("oracle");
    QTest::addColumn<QString>("dumps");
    const QJsonObject index = readJson(parityPath(QStringLiteral("cases.json")));
    const QJsonArray cases = index.value(QStringLiteral("cases")).toArray();
    QVERIFY2(cases.size() == 6, "tests/fixtures/parity/cases.json should list 6 cases");
    for (const QJsonValue& value : cases) {
        const QJsonObject c = value.toObject();
        QString dumps = c.value(QStringLiteral("dumps")).toString();
        dumps.replace(QStringLiteral("index.json"), QStringLiteral("pixel_values.f32"));
        QTest::newRow(qPrintable(c.value(QStringLiteral("name")).toString()))
            << c.value(QStringLiteral("ckpt")).toString()
            << c.value(QStringLiteral("image")).toString()
            << c.value(QStringLiteral("expected")).toString() << dumps;
    }
}

void TestImagePreprocessor::parity() {
    QFETCH(QString, ckpt);
    QFETCH(QString, image);
    QFETCH(QString, oracle);
    QFETCH(QString, dumps);

    const nanovlm::ModelConfig config =
        nanovlm::load_model_config(parityPath(ckpt + QStringLiteral("/config.json")).toStdString());
    const ImageGeometry geometry = ImageGeometry::from_config(config);
    const RgbImage rgb = loadRgb(parityPath(image));
    QVERIFY2(rgb.width > 0, qPrintable(QStringLiteral("cannot decode ") + image));

    const QJsonObject preprocess = readJson(parityPath(oracle)).value("preprocess").toObject();
    const QJsonObject expected = preprocess.value("pixel_values").toObject();
    const std::vector<float> reference = readF32(parityPath(dumps));
    QVERIFY2(!reference.empty(), qPrintable(QStringLiteral("cannot read ") + dumps));
    QCOMPARE(sha256OfFloats(reference), expected.value("sha256_f32").toString().toLatin1());

    const PreprocessedImage out = nanovlm::preprocess_image(rgb, geometry);

    // Shape [n_images, 3, tile, tile] and, for main, the grid and the global tile.
    const QJsonArray shape = expected.value("shape").toArray();
    QCOMPARE(out.tile_count(), shape.at(0).toInt());
    QCOMPARE(3, shape.at(1).toInt());
    QCOMPARE(out.tile_size, shape.at(2).toInt());
    QCOMPARE(out.tile_size, shape.at(3).toInt());
    QCOMPARE(out.pixels.size(), reference.size());
    if (preprocess.contains("grid_nh_nw")) {
        const QJsonArray grid = preprocess.value("grid_nh_nw").toArray();
        QCOMPARE(out.grid_rows, grid.at(0).toInt());
        QCOMPARE(out.grid_cols, grid.at(1).toInt());
        QCOMPARE(out.has_global_tile, preprocess.value("global_tile_first").toBool());
    } else {
        QCOMPARE(out.tile_count(), 1);
        QVERIFY2(!out.has_global_tile, "v0.1/v0.2 have no global tile");
    }

    // Resampled tiles: uint8 / 255, bit-identical.
    const std::size_t tileFloats = std::size_t(3) * out.tile_size * out.tile_size;
    const int firstResampled = out.has_global_tile ? 1 : 0;
    for (int t = firstResampled; t < out.tile_count(); ++t) {
        const float* mine = out.tile(t);
        const float* ref = reference.data() + t * tileFloats;
        for (std::size_t i = 0; i < tileFloats; ++i) {
            if (std::memcmp(&mine[i], &ref[i], sizeof(float)) != 0) {
                QFAIL(qPrintable(QStringLiteral("tile %1 value %2: %3, nanoVLM %4")
                                     .arg(t)
                                     .arg(i)
                                     .arg(double(mine[i]), 0, 'g', 9)
                                     .arg(double(ref[i]), 0, 'g', 9)));
            }
        }
    }

    // The global tile is float arithmetic: within 1e-6 (it is bit-identical on x86-64, see
    // torch_resample.cpp; the sha256 below holds only then).
    if (out.has_global_tile) {
        double maxDiff = 0.0;
        int exact = 0;
        for (std::size_t i = 0; i < tileFloats; ++i) {
            maxDiff = std::max(maxDiff, std::abs(double(out.pixels[i]) - reference[i]));
            exact += out.pixels[i] == reference[i] ? 1 : 0;
        }
        qInfo("global tile: max |diff| %g, %d of %zu values identical", maxDiff, exact, tileFloats);
        QVERIFY2(maxDiff <= 1e-6,
                 qPrintable(QStringLiteral("global tile differs by %1 > 1e-6").arg(maxDiff)));
    }
    const QByteArray mySha = sha256OfFloats(out.pixels);
    const QByteArray refSha = expected.value("sha256_f32").toString().toLatin1();
    if (!out.has_global_tile || out.pixels == reference) {
        QCOMPARE(mySha, refSha);
    }

    const QJsonArray first8 = expected.value("first8").toArray();
    for (int i = 0; i < 8; ++i) {
        QVERIFY2(out.pixels[i] == float(first8.at(i).toDouble()),
                 qPrintable(QStringLiteral("value %1: %2, nanoVLM %3")
                                .arg(i)
                                .arg(double(out.pixels[i]), 0, 'g', 9)
                                .arg(first8.at(i).toDouble(), 0, 'g', 9)));
    }
    const double total = sum(out.pixels.data(), out.pixels.size());
    const double refTotal = expected.value("sum").toDouble();
    QVERIFY2(std::abs(total - refTotal) <= 1e-6 * std::abs(refTotal) + 1e-3,
             qPrintable(QStringLiteral("sum %1, nanoVLM %2").arg(total, 0, 'g', 12).arg(refTotal)));
    if (preprocess.contains("per_image_sum")) {
        const QJsonArray perImage = preprocess.value("per_image_sum").toArray();
        QCOMPARE(perImage.size(), out.tile_count());
        for (int t = 0; t < out.tile_count(); ++t) {
            const double s = sum(out.tile(t), tileFloats);
            const double r = perImage.at(t).toDouble();
            QVERIFY2(std::abs(s - r) <= 1e-6 * std::abs(r) + 1e-3,
                     qPrintable(QStringLiteral("tile %1 sum %2, nanoVLM %3").arg(t).arg(s).arg(r)));
        }
    }
}

void TestImagePreprocessor::planTiles_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("tile");
    QTest::addColumn<int>("maxSide");
    QTest::addColumn<bool>("resizeToMax");
    QTest::addColumn<int>("maxTilesPerSide");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("resizedWidth");
    QTest::addColumn<int>("resizedHeight");
    // Expected values from nanoVLM's DynamicResize._get_new_hw evaluated by Python 3 (with
    // max_side_len lowered to min(max_img_size, detail * tile) for the "detail" rows).
    const auto add = [](const char* name, int w, int h, int tile, int maxSide, bool toMax,
                        int detail, int rows, int cols, int rw, int rh) {
        QTest::newRow(name) << w << h << tile << maxSide << toMax << detail << rows << cols << rw
                            << rh;
    };
    add("4000x3000 default", 4000, 3000, 512, 2048, true, 0, 3, 4, 2048, 1536);
    add("3000x4000 default", 3000, 4000, 512, 2048, true, 0, 4, 3, 1536, 2048);
    add("1x5000 default", 1, 5000, 512, 2048, true, 0, 4, 1, 512, 2048);
    add("5000x1 default", 5000, 1, 512, 2048, true, 0, 1, 4, 2048, 512);
    add("1x5000 no max", 1, 5000, 512, 2048, false, 0, 4, 1, 512, 2048);
    add("5000x1 no max", 5000, 1, 512, 2048, false, 0, 1, 4, 2048, 512);
    add("1x1 default", 1, 1, 512, 2048, true, 0, 4, 4, 2048, 2048);
    add("1x1 no max", 1, 1, 512, 2048, false, 0, 1, 1, 512, 512);
    add("300x200 fixture", 300, 200, 64, 128, false, 0, 2, 2, 128, 128);
    add("64x64 fixture", 64, 64, 64, 128, false, 0, 1, 1, 64, 64);
    // 1092 * (1536 / 1092) / 512 = 3.0000000000000004 in doubles: the short side gets 4 tiles.
    add("1092x1092 no max (float quirk)", 1092, 1092, 512, 2048, false, 0, 4, 3, 1536, 2048);
    add("187x187 detail 3 (float quirk)", 187, 187, 512, 2048, true, 3, 4, 3, 1536, 2048);
    add("4000x3000 detail 1", 4000, 3000, 512, 2048, true, 1, 1, 1, 512, 512);
    add("4000x3000 detail 2", 4000, 3000, 512, 2048, true, 2, 2, 2, 1024, 1024);
    add("4000x3000 detail 8", 4000, 3000, 512, 2048, true, 8, 3, 4, 2048, 1536);
    add("513x100 no max", 513, 100, 512, 2048, false, 0, 1, 2, 1024, 512);
    add("2049x2049 no max", 2049, 2049, 512, 2048, false, 0, 4, 4, 2048, 2048);
    add("100x3000 default", 100, 3000, 512, 2048, true, 0, 4, 1, 512, 2048);
    add("640x480 no max", 640, 480, 512, 2048, false, 0, 2, 2, 1024, 1024);
    add("640x480 no max detail 1", 640, 480, 512, 2048, false, 1, 1, 1, 512, 512);
}

void TestImagePreprocessor::planTiles() {
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, tile);
    QFETCH(int, maxSide);
    QFETCH(bool, resizeToMax);
    QFETCH(int, maxTilesPerSide);
    const nanovlm::TileGrid grid = nanovlm::plan_tiles(
        width, height, tilesGeometry(tile, maxSide, resizeToMax, maxTilesPerSide));
    QTEST(grid.rows, "rows");
    QTEST(grid.cols, "cols");
    QTEST(grid.resized_width, "resizedWidth");
    QTEST(grid.resized_height, "resizedHeight");
}

void TestImagePreprocessor::squareIgnoresAspect() {
    ImageGeometry g;
    g.mode = ImageGeometry::Mode::Square;
    g.tile_size = 224;
    g.max_tiles_per_side = 3; // Tiles only
    for (const auto& [w, h] : {std::pair{1, 5000}, std::pair{5000, 1}, std::pair{300, 200}}) {
        const nanovlm::TileGrid grid = nanovlm::plan_tiles(w, h, g);
        QCOMPARE(grid.rows, 1);
        QCOMPARE(grid.cols, 1);
        QCOMPARE(grid.resized_width, 224);
        QCOMPARE(grid.resized_height, 224);
    }
    const PreprocessedImage out = nanovlm::preprocess_image(syntheticImage(5, 90), g);
    QCOMPARE(out.tile_count(), 1);
    QVERIFY2(!out.has_global_tile, "a square image has no global tile");
    QCOMPARE(out.pixels.size(), std::size_t(3 * 224 * 224));
}

void TestImagePreprocessor::geometryFromConfig() {
    nanovlm::ModelConfig config;
    config.generation = nanovlm::Generation::V0_1;
    config.vit_img_size = 224;
    ImageGeometry g = ImageGeometry::from_config(config);
    QVERIFY2(g.mode == ImageGeometry::Mode::Square, "v0.1 squashes to one square tile");
    QCOMPARE(g.tile_size, 224);

    config.generation = nanovlm::Generation::V0_2;
    config.vit_img_size = 256;
    g = ImageGeometry::from_config(config);
    QVERIFY2(g.mode == ImageGeometry::Mode::Square, "v0.2 squashes to one square tile");
    QCOMPARE(g.tile_size, 256);

    config.generation = nanovlm::Generation::Main;
    config.vit_img_size = 512;
    config.max_img_size = 1536;
    config.resize_to_max_side_len = false;
    g = ImageGeometry::from_config(config);
    QVERIFY2(g.mode == ImageGeometry::Mode::Tiles, "main tiles the image");
    QCOMPARE(g.tile_size, 512);
    QCOMPARE(g.max_side, 1536);
    QCOMPARE(g.resize_to_max_side, false);
    QCOMPARE(g.max_tiles_per_side, 0);
}

void TestImagePreprocessor::toTensorDividesInFloat() {
    // A 16x16 image already of the tile size is copied by Pillow: the tile is exactly ToTensor.
    RgbImage image;
    image.width = 16;
    image.height = 16;
    for (int k = 0; k < 256; ++k) {
        image.pixels.insert(image.pixels.end(),
                            {std::uint8_t(k), std::uint8_t(255 - k), std::uint8_t(k)});
    }
    ImageGeometry g;
    g.mode = ImageGeometry::Mode::Square;
    g.tile_size = 16;
    const PreprocessedImage out = nanovlm::preprocess_image(image, g);
    int differsFromReciprocal = 0;
    for (int k = 0; k < 256; ++k) {
        // QCOMPARE on floats is fuzzy; these must be the very same floats.
        QVERIFY2(out.pixels[k] == float(k) / 255.0f, qPrintable(QString::number(k)));
        QVERIFY2(out.pixels[256 + k] == float(255 - k) / 255.0f, qPrintable(QString::number(k)));
        differsFromReciprocal += out.pixels[k] != k * (1 / 255.f) ? 1 : 0;
    }
    QCOMPARE(differsFromReciprocal, 126);
}

void TestImagePreprocessor::tilesAreRowMajorAfterGlobal() {
    // 8x12 with 4-pixel tiles and max side 12 is already the DynamicResize size: no resampling,
    // so each tile must be exactly its block of the image, in row-major order after the global.
    const RgbImage image = syntheticImage(8, 12);
    const PreprocessedImage out = nanovlm::preprocess_image(image, tilesGeometry(4, 12, false));
    QCOMPARE(out.grid_rows, 3);
    QCOMPARE(out.grid_cols, 2);
    QVERIFY2(out.has_global_tile, "a 3x2 grid gets a global tile");
    QCOMPARE(out.tile_count(), 7);
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 2; ++c) {
            const float* tile = out.tile(1 + r * 2 + c);
            for (int channel = 0; channel < 3; ++channel) {
                for (int y = 0; y < 4; ++y) {
                    for (int x = 0; x < 4; ++x) {
                        const std::uint8_t v = image.row(r * 4 + y)[(c * 4 + x) * 3 + channel];
                        QVERIFY2(tile[(channel * 4 + y) * 4 + x] == float(v) / 255.0f,
                                 qPrintable(QStringLiteral("tile (%1, %2) channel %3 (%4, %5)")
                                                .arg(r)
                                                .arg(c)
                                                .arg(channel)
                                                .arg(x)
                                                .arg(y)));
                    }
                }
            }
        }
    }
    // The global tile averages 3x2 blocks (antialiased): it keeps the image's mean closely.
    for (int channel = 0; channel < 3; ++channel) {
        double imageMean = 0.0;
        for (std::size_t i = channel; i < image.pixels.size(); i += 3) {
            imageMean += image.pixels[i] / 255.0;
        }
        imageMean /= 96.0;
        const double globalMean = sum(out.tile(0) + channel * 16, 16) / 16.0;
        QVERIFY2(std::abs(globalMean - imageMean) < 0.05,
                 qPrintable(QStringLiteral("channel %1: global mean %2, image mean %3")
                                .arg(channel)
                                .arg(globalMean)
                                .arg(imageMean)));
    }
}

void TestImagePreprocessor::emptyImageThrows() {
    RgbImage empty;
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::preprocess_image(empty, tilesGeometry(512, 2048, true)));
    RgbImage noRows;
    noRows.width = 10;
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::preprocess_image(noRows, tilesGeometry(512, 2048, true)));
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::plan_tiles(0, 0, tilesGeometry(512, 2048, true)));
}

void TestImagePreprocessor::inconsistentBufferThrows() {
    RgbImage image = syntheticImage(10, 10);
    image.pixels.pop_back();
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::preprocess_image(image, tilesGeometry(512, 2048, true)));
}

void TestImagePreprocessor::hugeTargetThrows() {
    const RgbImage tiny = syntheticImage(2, 2);
    // A config asking for a million-pixel side: 10^12 pixels would be terabytes.
    try {
        nanovlm::preprocess_image(tiny, tilesGeometry(512, 1 << 20, true));
        QFAIL("a 1048576x1048576 resize was accepted");
    } catch (const nanovlm::Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("MiB")), e.what());
    }
    ImageGeometry square;
    square.mode = ImageGeometry::Mode::Square;
    square.tile_size = 1 << 16;
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error, nanovlm::preprocess_image(tiny, square));
    // Just over the limit: 8192x8192 tiles cost 8192^2 * (3 + 12 + 12) bytes = 1.7 GiB.
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::preprocess_image(tiny, tilesGeometry(8192, 8192, true)));
}

void TestImagePreprocessor::invalidGeometryThrows() {
    // nanoVLM's SplitImage refuses a long side that is not a multiple of the tile.
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::plan_tiles(4000, 3000, tilesGeometry(512, 2000, true)));
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::plan_tiles(4000, 3000, tilesGeometry(0, 2048, true)));
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::plan_tiles(4000, 3000, tilesGeometry(512, 0, true)));
    QVERIFY_THROWS_EXCEPTION(nanovlm::Error,
                             nanovlm::plan_tiles(4000, 3000, tilesGeometry(512, 2048, true, -1)));
}

void TestImagePreprocessor::largePhotoIsFast() {
    // A 4000x3000 photo with main's defaults (max_img_size 2048, resize to max side, 512 tiles).
    const RgbImage photo = syntheticImage(4000, 3000);
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuStart = std::clock();
    const PreprocessedImage out = nanovlm::preprocess_image(photo, tilesGeometry(512, 2048, true));
    const double cpuMs = 1000.0 * double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    qInfo("4000x3000 -> 2048x1536, %d tiles + global: %lld ms (%.0f ms CPU)",
          out.grid_rows * out.grid_cols, static_cast<long long>(timer.elapsed()), cpuMs);
    QCOMPARE(out.grid_rows, 3);
    QCOMPARE(out.grid_cols, 4);
    QVERIFY2(out.has_global_tile, "a 3x4 grid gets a global tile");
    QCOMPARE(out.pixels.size(), std::size_t(13) * 3 * 512 * 512);
    for (float v : out.pixels) {
        if (!(v >= 0.0f && v <= 1.0f)) {
            QFAIL(qPrintable(QStringLiteral("pixel %1 outside [0, 1]").arg(double(v))));
        }
    }
}

QTEST_GUILESS_MAIN(TestImagePreprocessor)
#include "tst_image_preprocessor.moc"
