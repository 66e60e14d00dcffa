// The chat's item models and settings: every model runs under QAbstractItemModelTester (which
// fails the test on any broken model contract), and streaming must touch one row and one role.

#include "attachment_model.h"
#include "chat_settings.h"
#include "message_model.h"
#include "settings_sandbox.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using nanovlm::app::AttachmentModel;
using nanovlm::app::ChatSettings;
using nanovlm::app::MessageModel;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kImage = kFixtures + "/parity/main/300x200/image.png";
const QString kSmallImage = kFixtures + "/parity/main/64x64/image.png";

QList<int> roles_of(const QList<QVariant>& dataChanged_args) {
    return dataChanged_args.at(2).value<QList<int>>();
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(nanovlm::test::sandbox_settings(settings_dir_, "tst_models")); }

    void messageRolesAreNamedAndFilled() {
        MessageModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto names = model.roleNames();
        for (const char* name : {"kind", "text", "images", "answerState", "status", "progress",
                                 "ttftMs", "tokensPerSecond", "tokenCount"}) {
            QVERIFY2(names.values().contains(name), name);
        }
        QCOMPARE(names.size(), MessageModel::LastRole - MessageModel::KindRole);

        QSignalSpy count(&model, &MessageModel::countChanged);
        const int row = model.appendUser("What is this?", {"file:///a.png", "file:///b.png"});
        QCOMPARE(row, 0);
        QCOMPARE(count.size(), 1);
        const QModelIndex i = model.index(0);
        QCOMPARE(i.data(MessageModel::KindRole).toInt(), int(MessageModel::UserMessage));
        QCOMPARE(i.data(MessageModel::TextRole).toString(), QString("What is this?"));
        QCOMPARE(i.data(MessageModel::ImagesRole).toStringList(),
                 QStringList({"file:///a.png", "file:///b.png"})); // order kept
        QCOMPARE(model.appendAssistant(), 1);
        QCOMPARE(model.index(1).data(MessageModel::AnswerStateRole).toInt(),
                 int(MessageModel::Streaming));
        QCOMPARE(model.index(1).data(MessageModel::TtftRole).toDouble(), -1.0);
    }

    void streamingChangesOneRowAndTheTextRoleOnly() {
        MessageModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendUser("Q", {});
        const int row = model.appendAssistant();
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.setStatus(row, "Encoding image, tile 1/5 · 0.1 s", 0.2);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(roles_of(changed.takeFirst()),
                 QList<int>({MessageModel::StatusRole, MessageModel::ProgressRole}));

        model.appendText(row, "Hel"); // the first words also clear the progress line
        QCOMPARE(changed.size(), 1);
        QVERIFY(roles_of(changed.first()).contains(MessageModel::TextRole));
        changed.clear();

        for (const char* delta : {"lo", ", ", "world", "!"}) {
            model.appendText(row, delta);
        }
        QCOMPARE(changed.size(), 4);
        for (const auto& args : changed) {
            QCOMPARE(args.at(0).toModelIndex(), model.index(row));
            QCOMPARE(args.at(1).toModelIndex(), model.index(row));
            QCOMPARE(roles_of(args), QList<int>({MessageModel::TextRole}));
        }
        QCOMPARE(model.textAt(row), QString("Hello, world!"));
        QCOMPARE(model.index(row).data(MessageModel::StatusRole).toString(), QString());

        changed.clear();
        model.appendText(row, QString()); // nothing new: no signal
        model.appendText(7, "x");         // no such row: ignored
        QCOMPARE(changed.size(), 0);
    }

    void finishRestartAndErrors() {
        MessageModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendUser("Q", {});
        const int row = model.appendAssistant();
        model.appendText(row, "An answer");
        model.finishAnswer(row, MessageModel::Stopped, 420.0, 18.5, 12);
        const QModelIndex i = model.index(row);
        QCOMPARE(i.data(MessageModel::AnswerStateRole).toInt(), int(MessageModel::Stopped));
        QCOMPARE(i.data(MessageModel::TtftRole).toDouble(), 420.0);
        QCOMPARE(i.data(MessageModel::TokensPerSecondRole).toDouble(), 18.5);
        QCOMPARE(i.data(MessageModel::TokenCountRole).toInt(), 12);
        QCOMPARE(model.textAt(row), QString("An answer")); // a stopped answer keeps its text

        model.restartAnswer(row);
        QCOMPARE(model.textAt(row), QString());
        QCOMPARE(i.data(MessageModel::AnswerStateRole).toInt(), int(MessageModel::Streaming));
        QCOMPARE(i.data(MessageModel::TtftRole).toDouble(), -1.0);

        model.turnIntoError(row, "the prompt is too long");
        QCOMPARE(model.kindAt(row), MessageModel::ErrorMessage);
        QCOMPARE(model.textAt(row), QString("the prompt is too long"));
        QCOMPARE(model.appendError("bad checkpoint"), 2);

        QSignalSpy count(&model, &MessageModel::countChanged);
        model.clear();
        QCOMPARE(model.count(), 0);
        QCOMPARE(count.size(), 1);
        model.clear(); // already empty: no reset, no signal
        QCOMPARE(count.size(), 1);
    }

    void attachmentsDecodeOffTheGuiThreadInOrder() {
        AttachmentModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loading(&model, &AttachmentModel::loadingChanged);
        model.addFile(kImage);
        model.addFile(kSmallImage);
        QCOMPARE(model.count(), 2);
        QVERIFY(model.loading());
        QCOMPARE(model.index(0).data(AttachmentModel::LoadingRole).toBool(), true);
        QCOMPARE(model.index(0).data(AttachmentModel::NameRole).toString(), QString("image.png"));
        QCOMPARE(model.index(0).data(AttachmentModel::UrlRole).toString(),
                 QUrl::fromLocalFile(QFileInfo(kImage).absoluteFilePath()).toString());
        QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
        QVERIFY(model.error().isEmpty());

        const auto taken = model.takeAll();
        QCOMPARE(model.count(), 0);
        QCOMPARE(taken.size(), 2);
        QCOMPARE(taken[0].image.size(), QSize(300, 200)); // the order they were added
        QCOMPARE(taken[1].image.size(), QSize(64, 64));
        QCOMPARE(taken[0].image.format(), QImage::Format_RGB888);
    }

    void badFilesBecomeAMessageNotARow_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not an image") << "not_an_image.png"
                                      << "not_an_image.png";
        QTest::newRow("empty") << "empty.png"
                               << "empty";
        QTest::newRow("truncated") << "truncated.png"
                                   << "truncated.png";
        QTest::newRow("decompression bomb") << "huge_30000x30000.png"
                                            << "megapixels";
        QTest::newRow("missing") << "no_such_file.png"
                                 << "no such file";
    }

    void badFilesBecomeAMessageNotARow() {
        QFETCH(QString, file);
        QFETCH(QString, mentions);
        AttachmentModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy error(&model, &AttachmentModel::errorChanged);
        model.addUrls({QUrl::fromLocalFile(kFixtures + "/bad_images/" + file)});
        QVERIFY(error.wait(10000));
        QTRY_COMPARE(model.count(), 0);
        QVERIFY2(model.error().contains(mentions, Qt::CaseInsensitive), qPrintable(model.error()));
        QVERIFY(!model.loading());
        model.clearError();
        QVERIFY(model.error().isEmpty());
    }

    void removingWhileDecodingIsSafe() {
        AttachmentModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addFile(kImage);
        model.addFile(kSmallImage);
        model.remove(0); // its decode result must find no row
        QCOMPARE(model.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
        const auto taken = model.takeAll();
        QCOMPARE(taken.size(), 1);
        QCOMPARE(taken[0].image.size(), QSize(64, 64));
    }

    void pastedPixelsGetAFile() {
        AttachmentModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QImage image(40, 30, QImage::Format_ARGB32);
        image.fill(Qt::red);
        model.addImage(image);
        QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
        const QString url = model.index(0).data(AttachmentModel::UrlRole).toString();
        QVERIFY2(QFileInfo::exists(QUrl(url).toLocalFile()), qPrintable(url));
        const auto taken = model.takeAll();
        QCOMPARE(taken.size(), 1);
        QCOMPARE(taken[0].image.format(), QImage::Format_RGB888);
        QCOMPARE(taken[0].image.pixelColor(0, 0), QColor(Qt::red));
    }

    void pasteTakesPicturesAndLeavesTextAlone() {
        AttachmentModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QClipboard* clipboard = QGuiApplication::clipboard();
        clipboard->setText("just words");
        QVERIFY(!model.paste()); // the text field pastes it
        QCOMPARE(model.count(), 0);

        QImage image(16, 16, QImage::Format_RGB32);
        image.fill(Qt::blue);
        clipboard->setImage(image);
        QVERIFY(model.paste());
        QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
        QCOMPARE(model.count(), 1);

        auto* files = new QMimeData; // a file copied in a file manager
        files->setUrls({QUrl::fromLocalFile(kSmallImage)});
        clipboard->setMimeData(files);
        QVERIFY(model.paste());
        QTRY_VERIFY_WITH_TIMEOUT(!model.loading(), 10000);
        const auto taken = model.takeAll();
        QCOMPARE(taken.size(), 2);
        QCOMPARE(taken[0].image.size(), QSize(16, 16));
        QCOMPARE(taken[1].image.size(), QSize(64, 64));
    }

    void remoteUrlsAreRefused() {
        AttachmentModel model;
        model.addUrls({QUrl("https://example.com/cat.jpg")});
        QCOMPARE(model.count(), 0);
        QVERIFY(model.error().contains("example.com"));
    }

    void settingsPersistAndMakeEngineOptions() {
        {
            ChatSettings settings;
            settings.resetToDefaults();
            QCOMPARE(settings.temperature(), 0.5); // nanoVLM's defaults
            QCOMPARE(settings.topK(), 50);
            QCOMPARE(settings.topP(), 0.9);
            QSignalSpy changed(&settings, &ChatSettings::changed);
            settings.setTemperature(0.0);
            settings.setFixedSeed(true);
            settings.setSeed(41);
            settings.setMaxNewTokens(77);
            settings.setImageDetail(2);
            settings.setTheme(ChatSettings::DarkTheme);
            settings.setTopP(5.0); // clamped
            QCOMPARE(changed.size(), 7);
            QCOMPARE(settings.topP(), 1.0);
        }
        ChatSettings reread; // a new run reads what the last one wrote
        QCOMPARE(reread.temperature(), 0.0);
        QCOMPARE(reread.seed(), 41);
        QCOMPARE(reread.maxNewTokens(), 77);
        QCOMPARE(reread.imageDetail(), 2);
        QCOMPARE(reread.theme(), ChatSettings::DarkTheme);

        const auto first = reread.generationOptions(0);
        QVERIFY(first.sampling.greedy); // temperature 0
        QCOMPARE(first.max_new_tokens, 77);
        QCOMPARE(first.sampling.seed, std::uint64_t(41));
        QCOMPARE(reread.generationOptions(2).sampling.seed, std::uint64_t(43)); // regenerated

        reread.setFixedSeed(false);
        reread.setTemperature(0.7);
        const auto a = reread.generationOptions(0), b = reread.generationOptions(0);
        QVERIFY(!a.sampling.greedy);
        QVERIFY(a.sampling.seed != b.sampling.seed); // a fresh seed every answer
        reread.resetToDefaults();
        QCOMPARE(reread.theme(), ChatSettings::DarkTheme); // the look is not a sampling default

        reread.setProperty("persistent", false); // a scripted run's changes are not saved
        reread.setMaxNewTokens(5);
        QCOMPARE(reread.maxNewTokens(), 5);
        QCOMPARE(ChatSettings().maxNewTokens(), 512);
    }

private:
    QTemporaryDir settings_dir_;
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
