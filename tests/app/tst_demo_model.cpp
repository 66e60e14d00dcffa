// The shipped "Demo: shapes" checkpoint (resources/demo-model) run by our engine on the held-out
// scenes of tests/fixtures/demo, each picture decoded and prompted as the app does: the answers
// must be right (exact text) on at least kMinAccuracy of them, and the engine's greedy ids must
// equal the PyTorch model's (tools/demo-model/train.py) on every one. The int8 weight mode keeps
// the trained model's choices (issue 4's bounds, on the one fixture whose logits are not the
// near-ties of random weights). The `nanovlm` CLI answers an example.

#include "../logit_cosine.h"
#include "image_loader.h"

#include "nanovlm/nanovlm.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <span>

namespace {

// The issue asks 0.9 (tools/demo-model/README.md, "Result", has the committed checkpoint's number).
constexpr double kMinAccuracy = 0.9;
// Colour questions about a shape other than the first (cases.json `names_a_later_shape`): a model
// that answers the first shape's colour whatever is named gets these right only by chance.
constexpr double kMinLaterShapeAccuracy = 0.8;
// Issue 4's bounds for `--weights int8` against float32.
constexpr double kMinInt8Agreement = 0.95;
constexpr double kMinInt8Cosine = 0.999;

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

std::vector<nanovlm::PreprocessedImage> case_images(const nlohmann::json& c,
                                                    const nanovlm::Model& model) {
    const QString path = kCases + "/" + QString::fromStdString(c["image"].get<std::string>());
    const auto image = nanovlm::app::read_image(path, nullptr);
    if (!image) {
        return {};
    }
    return {nanovlm::preprocess_image(nanovlm::app::to_rgb_image(*image),
                                      nanovlm::ImageGeometry::from_config(model.config()))};
}

nanovlm::TokenId argmax(std::span<const float> logits) {
    return nanovlm::TokenId(std::max_element(logits.begin(), logits.end()) - logits.begin());
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

    // Both weight modes read each held-out prompt and then PyTorch's answer, token by token
    // (teacher-forced, so one early difference does not turn the rest into another text); at
    // every step their greedy choices are compared. The free-running int8 answers are scored too.
    void int8_keeps_the_answers() {
        const auto cases = read_json(kCases + "/cases.json");
        QVERIFY(cases.is_array() && !cases.empty());
        const auto f32 = nanovlm::Model::load(kDemoModel.toStdString());
        nanovlm::LoadOptions int8_options;
        int8_options.weights = nanovlm::WeightFormat::Int8;
        const auto int8 = nanovlm::Model::load(kDemoModel.toStdString(), int8_options);
        QCOMPARE(int8->weight_format(), nanovlm::WeightFormat::Int8);
        nanovlm::GenerationOptions options;
        options.max_new_tokens = 40;
        options.sampling.greedy = true;

        int steps = 0, same = 0, correct = 0;
        double worst_cosine = 1.0;
        for (const auto& c : cases) {
            const auto images = case_images(c, *f32);
            QVERIFY(!images.empty());
            const auto prompt = c["prompt_ids"].get<std::vector<nanovlm::TokenId>>();
            const auto answer = c["pytorch_ids"].get<std::vector<nanovlm::TokenId>>();
            nanovlm::Session a(f32), b(int8);
            const auto image_a = a.encode_image(images[0]);
            const auto image_b = b.encode_image(images[0]);
            QVERIFY(image_a && image_b);
            QVERIFY(a.append(prompt, {&*image_a, 1}) && b.append(prompt, {&*image_b, 1}));
            worst_cosine = std::min(worst_cosine, nanovlm::test::cosine(a.logits(), b.logits()));
            for (const nanovlm::TokenId next : answer) {
                ++steps;
                same += argmax(a.logits()) == argmax(b.logits()) ? 1 : 0;
                a.append_token(next);
                b.append_token(next);
            }
            nanovlm::Session free_run(int8);
            const auto result = nanovlm::generate(free_run, prompt, images, options);
            correct +=
                int8->tokenizer()->decode(result.ids, true) == c["answer"].get<std::string>();
        }
        const double agreement = double(same) / steps;
        qInfo("int8 vs float32 on the demo's held-out scenes: greedy choices agree on %d of %d "
              "teacher-forced steps (%.1f%%), lowest first-answer-token logits cosine %.6f; int8 "
              "answers right %d/%zu",
              same, steps, 100.0 * agreement, worst_cosine, correct, cases.size());
        QVERIFY2(
            agreement >= kMinInt8Agreement,
            qPrintable(QStringLiteral("agreement %1 < %2").arg(agreement).arg(kMinInt8Agreement)));
        QVERIFY2(
            worst_cosine >= kMinInt8Cosine,
            qPrintable(QStringLiteral("cosine %1 < %2").arg(worst_cosine).arg(kMinInt8Cosine)));
        QVERIFY(double(correct) / double(cases.size()) >= kMinAccuracy);
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
