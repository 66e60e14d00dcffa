// ModelCatalog, the model picker's list: it scans off the GUI thread, remembers the user's
// folders in QSettings, and rescans by itself when a watched folder changes.

#include "../hub_cache_fixture.h"

#include "model_catalog.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace nanovlm::app;
using namespace hub_fixture;

class TestModelCatalog : public QObject {
    Q_OBJECT

    QTemporaryDir settings_dir_;
    QTemporaryDir temp_;
    QString hub_;
    QString folder_;

    static bool wait_for_scan(const ModelCatalog& catalog) {
        return QTest::qWaitFor([&] { return !catalog.scanning(); }, 5000);
    }

    static QVariant role(const ModelCatalog& catalog, int row, int role) {
        return catalog.data(catalog.index(row, 0), role);
    }

    // A checkpoint folder the user keeps: a copy of a fixture with the tokenizer beside it.
    static bool make_checkpoint(const QString& dir, const QString& generation) {
        return write(dir + "/config.json", read(checkpoint(generation) + "/config.json")) &&
               write(dir + "/model.safetensors",
                     read(checkpoint(generation) + "/model.safetensors")) &&
               write(dir + "/tokenizer.json", read(tokenizer_file()));
    }

private slots:
    void initTestCase() {
        QVERIFY(settings_dir_.isValid() && temp_.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir_.path());
        QCoreApplication::setOrganizationName("nanovlm-tests");
        QCoreApplication::setApplicationName("tst_model_catalog");

        hub_ = temp_.filePath("hub");
        qputenv("HF_HUB_CACHE", hub_.toUtf8());
        QVERIFY(add_snapshot(hub_, "HuggingFaceTB/SmolLM2-360M-Instruct", revision('1'),
                             {{"tokenizer.json", read(tokenizer_file())}}, true));
        QVERIFY(add_snapshot(hub_, "lusxvr/nanoVLM-230M-8k", revision('a'),
                             checkpoint_files("main"), true));
        folder_ = temp_.filePath("my-models");
        QVERIFY(make_checkpoint(folder_ + "/nanoVLM-450M", "v0.2"));
    }

    void scansOffTheGuiThread() {
        ModelCatalog catalog;
        QVERIFY2(catalog.scanning(), "the scan runs on a pool thread, not in the constructor");
        QCOMPARE(catalog.count(), 0);
        QVERIFY(wait_for_scan(catalog));
        QCOMPARE(catalog.count(), 1);
        QCOMPARE(catalog.hubCache(), hub_);
        QCOMPARE(role(catalog, 0, ModelCatalog::NameRole).toString(),
                 QStringLiteral("lusxvr/nanoVLM-230M-8k"));
        QCOMPARE(role(catalog, 0, ModelCatalog::SourceRole).toString(), QStringLiteral("hf_cache"));
        QCOMPARE(role(catalog, 0, ModelCatalog::SourceLabelRole).toString(),
                 QStringLiteral("Hugging Face cache"));
        QCOMPARE(role(catalog, 0, ModelCatalog::UsableRole).toBool(), true);
        QCOMPARE(role(catalog, 0, ModelCatalog::ProblemRole).toString(), QString());
        QCOMPARE(role(catalog, 0, ModelCatalog::GenerationRole).toString(), QStringLiteral("main"));
        QCOMPARE(role(catalog, 0, ModelCatalog::RevisionRole).toString(), revision('a'));
        QCOMPARE(role(catalog, 0, ModelCatalog::FileBytesRole).toDouble(),
                 double(QFileInfo(checkpoint("main") + "/model.safetensors").size()));
        QCOMPARE(role(catalog, 0, ModelCatalog::ImageTokensRole).toInt(), 20);
        QVERIFY(role(catalog, 0, ModelCatalog::MemoryBytesRole).toDouble() >
                role(catalog, 0, ModelCatalog::FileBytesRole).toDouble());
        QVERIFY(role(catalog, 0, ModelCatalog::TokenizerRole)
                    .toString()
                    .startsWith(hub_ + "/models--HuggingFaceTB--SmolLM2-360M-Instruct/"));
        const QString summary = role(catalog, 0, ModelCatalog::SummaryRole).toString();
        QVERIFY2(summary.startsWith("main · ") && summary.contains("K parameters · ") &&
                     summary.endsWith(" MB"),
                 qPrintable(summary));
        const QString needs = role(catalog, 0, ModelCatalog::NeedsRole).toString();
        QVERIFY2(needs.startsWith("20 image tokens a photo · about "), qPrintable(needs));
    }

    void foldersAreRememberedAndRemoved() {
        {
            ModelCatalog catalog;
            QVERIFY(wait_for_scan(catalog));
            catalog.addFolder(QUrl::fromLocalFile(folder_).toString()); // as FolderDialog gives
            catalog.addFolder(folder_);                                 // twice: no change
            QCOMPARE(catalog.folders(), QStringList{folder_});
            QTRY_COMPARE_WITH_TIMEOUT(catalog.count(), 2, 5000);
            const int row = catalog.indexOf(folder_ + "/nanoVLM-450M");
            QVERIFY(row >= 0);
            QCOMPARE(role(catalog, row, ModelCatalog::SourceRole).toString(),
                     QStringLiteral("folder"));
            QCOMPARE(role(catalog, row, ModelCatalog::GenerationRole).toString(),
                     QStringLiteral("v0.2"));
        }
        ModelCatalog next_run;
        QCOMPARE(next_run.folders(), QStringList{folder_});
        QVERIFY(wait_for_scan(next_run));
        QCOMPARE(next_run.count(), 2);
        next_run.removeFolder(folder_);
        QCOMPARE(next_run.folders(), QStringList());
        QTRY_COMPARE_WITH_TIMEOUT(next_run.count(), 1, 5000);
        QCOMPARE(QSettings().value("models/folders").toStringList(), QStringList());
    }

    void theCommandLineFolderComesFirst() {
        ModelCatalog catalog;
        catalog.setCommandLineFolder(checkpoint("v0.1"));
        QTRY_COMPARE_WITH_TIMEOUT(catalog.count(), 2, 5000);
        QCOMPARE(role(catalog, 0, ModelCatalog::SourceRole).toString(),
                 QStringLiteral("command_line"));
        QCOMPARE(role(catalog, 0, ModelCatalog::DirectoryRole).toString(), checkpoint("v0.1"));
        // No cosmo2 tokenizer anywhere: listed, greyed, with how to get one.
        QCOMPARE(role(catalog, 0, ModelCatalog::UsableRole).toBool(), false);
        QCOMPARE(role(catalog, 0, ModelCatalog::ProblemRole).toString(),
                 QStringLiteral("no_tokenizer"));
        QVERIFY(role(catalog, 0, ModelCatalog::ReasonRole)
                    .toString()
                    .contains("huggingface-cli download HuggingFaceTB/cosmo2-tokenizer"));
    }

    // A download finishing in a watched folder shows up without anyone asking for a rescan.
    void aNewCheckpointAppearsByItself() {
        ModelCatalog catalog;
        catalog.addFolder(folder_);
        QTRY_COMPARE_WITH_TIMEOUT(catalog.count(), 2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!catalog.scanning(), 5000);
        QVERIFY(make_checkpoint(folder_ + "/nanoVLM-230M-8k-copy", "main"));
        QTRY_COMPARE_WITH_TIMEOUT(catalog.count(), 3, 5000);

        // And a new snapshot in the cache (a `huggingface-cli download` of another revision).
        QVERIFY(add_snapshot(hub_, "lusxvr/nanoVLM-230M-8k", revision('0'),
                             checkpoint_files("main"), false));
        QTRY_COMPARE_WITH_TIMEOUT(catalog.count(), 4, 5000);
        QVERIFY(catalog.indexOf(hub_ + "/models--lusxvr--nanoVLM-230M-8k/snapshots/" +
                                revision('0')) >= 0);

        // A download in progress: the snapshot has only its README at first, then the rest.
        QVERIFY(add_snapshot(hub_, "lusxvr/nanoVLM-450M", revision('5'), {{"README.md", "# hi"}},
                             true));
        QTest::qWait(800); // a rescan runs and finds nothing to list yet
        QTRY_VERIFY_WITH_TIMEOUT(!catalog.scanning(), 5000);
        QCOMPARE(catalog.count(), 4);
        QVERIFY(add_snapshot(hub_, "lusxvr/nanoVLM-450M", revision('5'), checkpoint_files("v0.2"),
                             true));
        QTRY_COMPARE_WITH_TIMEOUT(catalog.count(), 5, 5000);
        catalog.removeFolder(folder_);
    }
};

QTEST_MAIN(TestModelCatalog)
#include "tst_model_catalog.moc"
