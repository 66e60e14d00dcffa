// The image viewer's "what the model sees" overlay: the tile grid, global view and image-token
// count it shows (image_tiling.h, through ChatController::imageTiling) are what the engine's
// preprocessing really produces for that picture, at each image detail, and what a real answer
// reports as its image tokens.

#include "chat_controller.h"
#include "image_loader.h"
#include "image_tiling.h"
#include "settings_sandbox.h"
#include "worker_harness.h"

#include "nanovlm/config.h"
#include "nanovlm/image.h"

#include <QtTest>

using namespace nanovlm::app;
using nanovlm::test::kWorkerWaitMs;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kModel = kFixtures + "/parity/main/ckpt";
const QString kTokenizer = kFixtures + "/tokenizer/tokenizer.json";
const QString kImage = kFixtures + "/parity/main/300x200/image.png";

nanovlm::RgbImage gradient(int width, int height) {
    QImage image(width, height, QImage::Format_RGB888);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            image.setPixelColor(x, y, QColor(x % 256, y % 256, (x + y) % 256));
        }
    }
    return to_rgb_image(image);
}

} // namespace

class TestImageTiling : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(nanovlm::test::sandbox_settings(settings_dir_, "tst_image_tiling"));
    }

    void theOverlayIsTheEnginesPreprocessing_data() {
        QTest::addColumn<QString>("geometry");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("detail");
        // The tiny "main" checkpoint: 64-px tiles, at most 128 px a side (2x2 tiles).
        QTest::newRow("wide 300x200") << "parity" << 300 << 200 << 0;
        QTest::newRow("square 64x64: one tile, no global view") << "parity" << 64 << 64 << 0;
        QTest::newRow("panorama 1000x90") << "parity" << 1000 << 90 << 0;
        QTest::newRow("tall 90x1000") << "parity" << 90 << 1000 << 0;
        QTest::newRow("wide at detail 1") << "parity" << 300 << 200 << 1;
        // nanoVLM's defaults for main: 512-px tiles, long side to 2048.
        QTest::newRow("photo 1600x900") << "main" << 1600 << 900 << 0;
        QTest::newRow("photo 1600x900 at detail 2") << "main" << 1600 << 900 << 2;
        QTest::newRow("portrait 600x1000 at detail 3") << "main" << 600 << 1000 << 3;
    }

    void theOverlayIsTheEnginesPreprocessing() {
        QFETCH(QString, geometry);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, detail);
        const nanovlm::ModelConfig config =
            nanovlm::load_model_config((kModel + "/config.json").toStdString());
        nanovlm::ImageGeometry g = nanovlm::ImageGeometry::from_config(config);
        int tokens_per_tile = config.image_tokens_per_tile();
        if (geometry == "main") {
            g = nanovlm::ImageGeometry{}; // 512 / 2048 / resize to the max side
            tokens_per_tile = 64;
        }
        const ImageTiling shown = image_tiling(width, height, g, detail, tokens_per_tile);

        nanovlm::ImageGeometry engine_geometry = g;
        engine_geometry.max_tiles_per_side = detail;
        const nanovlm::PreprocessedImage engine =
            nanovlm::preprocess_image(gradient(width, height), engine_geometry);
        QCOMPARE(shown.rows, engine.grid_rows);
        QCOMPARE(shown.cols, engine.grid_cols);
        QCOMPARE(shown.global_tile, engine.has_global_tile);
        QCOMPARE(shown.tiles, engine.tile_count());
        QCOMPARE(shown.image_tokens, engine.tile_count() * tokens_per_tile);
        QCOMPARE(shown.tile_size, engine.tile_size);
        QCOMPARE(shown.resized_width, shown.cols * shown.tile_size);
        QCOMPARE(shown.resized_height, shown.rows * shown.tile_size);
    }

    void theControllerReportsWhatAnAnswerReads() {
        ChatController chat;
        chat.settings()->setProperty("persistent", false);
        chat.settings()->setMaxNewTokens(1);
        chat.settings()->setThreads(1);
        QVERIFY(chat.imageTiling(300, 200).isEmpty()); // no model yet
        QSignalSpy ready(&chat, &ChatController::modelReady);
        chat.loadModel(kModel, kTokenizer);
        QVERIFY(ready.wait(kWorkerWaitMs));
        QVERIFY(chat.imageTiling(0, 200).isEmpty());

        // Detail 1 reads the wide picture as one tile; the model's own, as 2x2 and a global view.
        for (const int detail : {0, 1}) {
            chat.settings()->setImageDetail(detail);
            const QVariantMap tiling = chat.imageTiling(300, 200);
            QVERIFY(!tiling.isEmpty());
            chat.newChat();
            chat.attachments()->addFile(kImage);
            QVERIFY(nanovlm::test::wait_for([&] { return !chat.attachments()->loading(); }));
            QSignalSpy finished(&chat, &ChatController::answerFinished);
            QVERIFY(chat.send("What is this?"));
            QVERIFY(finished.wait(kWorkerWaitMs));
            QCOMPARE(tiling.value("imageTokens").toInt(), chat.lastResult().image_tokens);
        }
    }

private:
    QTemporaryDir settings_dir_;
};

QTEST_MAIN(TestImageTiling)
#include "tst_image_tiling.moc"
