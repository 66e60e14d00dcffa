// The shipped "Demo: shapes" checkpoint (resources/demo-model) run by our engine on the held-out
// scenes of tests/fixtures/demo, each picture decoded and prompted as the app does: the answers
// must be right (exact text) on at least kMinAccuracy of them, and the engine's greedy ids must
// equal the PyTorch model's (tools/demo-model/train.py) on every one. The `nanovlm` CLI answers an
// example.

#include "image_loader.h"

#include "nanovlm/nanovlm.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QtTest>

namespace {

// The issue asks 0.9 (tools/demo-model/README.md, "Result", has the committed checkpoint's number).
constexpr double kMinAccuracy = 0.9;
// Colour questions about a shape other than the first (cases.json `names_a_later_shape`): a model
// that answers the first shape's colour whatever is named gets these right only by chance.
constexpr double kMinLaterShapeAccuracy = 0.8;

const QString kDemoModel = QStringLiteral(NANOVLM_DEMO_MODEL);
const QString kCases = QStringLiteral(NANOVLM_FIXTURES) + "/demo";

nlohmann::json read_json(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr,
                                 false);
}

QString ids_text(const std::vector<nanovlm::TokenId>& ids) {
    return QString::fromStdString(nlohmann::json(ids).dump());
}

} // namespace

class TestDemoModel : public QObject {
    Q_OBJECT

private slots:
    void engine_answers_held_out_scenes() {
        const auto cases = read_json(kCases + "/cases.json");
        QVERIFY2(cases.is_array() && cases.size() >= 50,
                 "tests/fixtures/demo/cases.json must list at least 50 held-out scenes");
        const auto model = nanovlm::Model::load(kDemoModel.toStdString());
        const nanovlm::PromptBuilder prompts(*model);
        const auto geometry = nanovlm::ImageGeometry::from_config(model->config());
        nanovlm::GenerationOptions options;
        options.max_new_tokens = 40;
        options.sampling.greedy = true;

        int correct = 0;
        int later_shape_cases = 0;
        int later_shape_correct = 0;
        QStringList disagreements;
        for (const auto& c : cases) {
            const QString image_path =
                kCases + "/" + QString::fromStdString(c["image"].get<std::string>());
            QString error;
            const auto image = nanovlm::app::read_image(image_path, &error);
            QVERIFY2(image.has_value(), qPrintable(image_path + ": " + error));
            const std::vector<nanovlm::PreprocessedImage> images{
                nanovlm::preprocess_image(nanovlm::app::to_rgb_image(*image), geometry)};
            const auto question = c["question"].get<std::string>();
            const auto ids = prompts.user_turn(question, images, false);
            // The prompt the model was trained on is the one the app builds.
            QCOMPARE(ids_text(ids), ids_text(c["prompt_ids"].get<std::vector<nanovlm::TokenId>>()));

            nanovlm::Session session(model);
            const auto result = nanovlm::generate(session, ids, images, options);
            const auto expected_ids = c["pytorch_ids"].get<std::vector<nanovlm::TokenId>>();
            const std::string text = model->tokenizer()->decode(result.ids, true);
            if (result.ids != expected_ids) {
                disagreements << QStringLiteral("%1 \"%2\": engine %3 \"%4\", PyTorch %5")
                                     .arg(c["image"].get<std::string>().c_str(), question.c_str(),
                                          ids_text(result.ids), text.c_str(),
                                          ids_text(expected_ids));
            }
            const bool right = text == c["answer"].get<std::string>();
            correct += right ? 1 : 0;
            if (c.value("names_a_later_shape", false)) {
                ++later_shape_cases;
                later_shape_correct += right ? 1 : 0;
            }
        }
        const double accuracy = double(correct) / double(cases.size());
        qInfo("demo model held-out exact-answer accuracy (engine): %d/%zu = %.3f", correct,
              cases.size(), accuracy);
        qInfo("colour of a named shape that is not the first: %d/%d", later_shape_correct,
              later_shape_cases);
        QVERIFY2(disagreements.isEmpty(), qPrintable("engine and PyTorch greedy answers differ:\n" +
                                                     disagreements.join('\n')));
        QVERIFY2(
            accuracy >= kMinAccuracy,
            qPrintable(QStringLiteral("accuracy %1 is below %2").arg(accuracy).arg(kMinAccuracy)));
        // "What color is the X?" must find X, not answer the first shape's colour.
        QVERIFY2(later_shape_cases > 0,
                 "cases.json has no colour question about a shape other than the first");
        QVERIFY2(double(later_shape_correct) >= kMinLaterShapeAccuracy * later_shape_cases,
                 qPrintable(QStringLiteral("colour of a named later shape: %1/%2 right")
                                .arg(later_shape_correct)
                                .arg(later_shape_cases)));
    }

    void cli_answers_an_example() {
        const auto listing = read_json(kDemoModel + "/examples/examples.json");
        const auto examples =
            listing.is_object() ? listing.value("examples", nlohmann::json()) : nlohmann::json();
        QVERIFY2(examples.is_array() && !examples.empty(),
                 "resources/demo-model/examples/examples.json lists no example");
        const auto& example = examples[0];
        const auto& colour = example["questions"][0];
        QProcess process;
        process.start(QStringLiteral(NANOVLM_CLI),
                      {"generate", "--model", kDemoModel, "--image",
                       kDemoModel + "/examples/" +
                           QString::fromStdString(example["image"].get<std::string>()),
                       "--prompt", QString::fromStdString(colour["question"].get<std::string>()),
                       "--greedy", "--threads", "1"});
        QVERIFY2(process.waitForFinished(60000), "nanovlm generate did not finish in 60 s");
        QCOMPARE(process.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()).trimmed(),
                 QString::fromStdString(colour["answer"].get<std::string>()));
    }
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "tst_demo_model.moc"
