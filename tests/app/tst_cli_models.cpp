// `nanovlm models [--json]` as it is checked from outside: HOME and HF_HOME point at temporary
// folders holding the chat app's settings (one remembered folder) and a Hugging Face cache, and
// the command must list exactly the nanoVLM checkpoints there, good and broken.

#include "../hub_cache_fixture.h"
#include "../process_run.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace hub_fixture;

namespace {

using nanovlm::test::ProcessRun;

ProcessRun run_models(const QString& home, const QString& hf_home, const QStringList& args) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", home);
    env.insert("HF_HOME", hf_home);
    env.remove("HF_HUB_CACHE");
    env.remove("XDG_CONFIG_HOME");
    return nanovlm::test::run_process(QStringLiteral(NANOVLM_CLI), QStringList{"models"} + args,
                                      env, 30000);
}

QStringList names(const nlohmann::json& out) {
    QStringList list;
    for (const auto& m : out["models"]) {
        list.push_back(QString::fromStdString(m["name"].get<std::string>()));
    }
    return list;
}

} // namespace

class TestCliModels : public QObject {
    Q_OBJECT

    QTemporaryDir temp_;
    QString home_;
    QString hf_home_;
    QString folder_;

private slots:
    void initTestCase() {
        QVERIFY(temp_.isValid());
        home_ = temp_.filePath("home");
        hf_home_ = temp_.filePath("hf");
        folder_ = temp_.filePath("models");
        const QString hub = hf_home_ + "/hub";
        QVERIFY(add_snapshot(hub, "HuggingFaceTB/SmolLM2-360M-Instruct", revision('1'),
                             {{"tokenizer.json", read(tokenizer_file())}}, true));
        QVERIFY(add_snapshot(hub, "lusxvr/nanoVLM-230M-8k", revision('a'), checkpoint_files("main"),
                             true));
        QVERIFY(
            add_snapshot(hub, "test/nanoVLM-badconfig", revision('b'),
                         {{"config.json", "not json"},
                          {"model.safetensors", read(checkpoint("main") + "/model.safetensors")}},
                         true));
        QVERIFY(add_snapshot(hub, "someone/bert", revision('c'),
                             {{"config.json", R"({"model_type": "bert"})"}}, true));
        QVERIFY(write(folder_ + "/mine/config.json", read(checkpoint("v0.2") + "/config.json")));
        QVERIFY(write(folder_ + "/mine/model.safetensors",
                      read(checkpoint("v0.2") + "/model.safetensors")));
        QVERIFY(write(folder_ + "/mine/tokenizer.json", read(tokenizer_file())));

        // The folder the user added in the chat app's picker, where the app keeps it.
        QSettings settings(home_ + "/.config/nanovlm/nanovlm-chat.conf", QSettings::IniFormat);
        settings.setValue("models/folders", QStringList{folder_});
        settings.sync();
        QCOMPARE(settings.status(), QSettings::NoError);
    }

    void listsExactlyTheCheckpointsFound() {
        const ProcessRun run = run_models(home_, hf_home_, {"--json"});
        QCOMPARE(run.exit_code, 0);
        const auto out = nlohmann::json::parse(run.out.constData());
        QCOMPARE(QString::fromStdString(out["hub_cache"].get<std::string>()), hf_home_ + "/hub");
        QCOMPARE(out["folders"].size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(out["folders"][0].get<std::string>()), folder_);
        // The demo that ships with the program comes last (staged beside the build's programs).
        QCOMPARE(names(out), (QStringList{"mine", "lusxvr/nanoVLM-230M-8k",
                                          "test/nanoVLM-badconfig", "Demo: shapes"}));

        const auto& mine = out["models"][0];
        QCOMPARE(mine["source"].get<std::string>(), std::string("folder"));
        QCOMPARE(mine["usable"].get<bool>(), true);
        QVERIFY(mine["problem"].is_null());
        QCOMPARE(mine["generation"].get<std::string>(), std::string("v0.2"));
        QCOMPARE(QString::fromStdString(mine["tokenizer"].get<std::string>()),
                 folder_ + "/mine/tokenizer.json");

        const auto& cached = out["models"][1];
        QCOMPARE(cached["source"].get<std::string>(), std::string("hf_cache"));
        QCOMPARE(cached["generation"].get<std::string>(), std::string("main"));
        QCOMPARE(cached["usable"].get<bool>(), true);
        QCOMPARE(QString::fromStdString(cached["directory"].get<std::string>()),
                 hf_home_ + "/hub/models--lusxvr--nanoVLM-230M-8k/snapshots/" + revision('a'));
        QCOMPARE(QString::fromStdString(cached["revision"].get<std::string>()), revision('a'));
        QCOMPARE(cached["main_revision"].get<bool>(), true);
        QCOMPARE(cached["file_bytes"].get<qint64>(),
                 QFileInfo(checkpoint("main") + "/model.safetensors").size());
        QVERIFY(cached["parameters"].get<qint64>() > 0);
        QCOMPARE(cached["image_tokens"].get<int>(), 20);
        const auto& memory = cached["memory"];
        QCOMPARE(cached["memory_estimate_bytes"].get<std::size_t>(),
                 memory["weights"].get<std::size_t>() + memory["kv_cache"].get<std::size_t>() +
                     memory["scratch"].get<std::size_t>());
        QVERIFY(QString::fromStdString(cached["tokenizer"].get<std::string>())
                    .startsWith(hf_home_ + "/hub/models--HuggingFaceTB--SmolLM2-360M-Instruct/"));

        const auto& broken = out["models"][2];
        QCOMPARE(broken["usable"].get<bool>(), false);
        QCOMPARE(broken["problem"].get<std::string>(), std::string("config_unreadable"));
        QVERIFY(
            QString::fromStdString(broken["reason"].get<std::string>()).contains("config.json"));
        QVERIFY(broken["generation"].is_null());

        const auto& demo = out["models"][3];
        QCOMPARE(demo["source"].get<std::string>(), std::string("built_in"));
        QCOMPARE(demo["usable"].get<bool>(), true);
        QCOMPARE(demo["generation"].get<std::string>(), std::string("main"));
    }

    void folderAndModelOptionsAddToTheList() {
        const ProcessRun run = run_models(
            home_, hf_home_,
            {"--json", "--model", checkpoint("v0.1"), "--folder", temp_.filePath("nothing-here")});
        QCOMPARE(run.exit_code, 0);
        const auto out = nlohmann::json::parse(run.out.constData());
        QCOMPARE(names(out).first(), QStringLiteral("ckpt"));
        QCOMPARE(out["models"][0]["source"].get<std::string>(), std::string("command_line"));
        QCOMPARE(out["models"][0]["problem"].get<std::string>(), std::string("no_tokenizer"));
        QCOMPARE(out["models"].size(), std::size_t(5)); // the demo included
    }

    void textOutputNamesEveryEntry() {
        const ProcessRun run = run_models(home_, hf_home_, {});
        QCOMPARE(run.exit_code, 0);
        const QString text = QString::fromUtf8(run.out);
        QVERIFY2(text.contains("lusxvr/nanoVLM-230M-8k  [hf_cache]"), qPrintable(text));
        QVERIFY2(text.contains("NOT USABLE (config_unreadable)"), qPrintable(text));
        QVERIFY2(text.contains(folder_ + "/mine"), qPrintable(text));
    }

    void anEmptyHomeListsOnlyTheDemo() {
        QTemporaryDir empty;
        const ProcessRun run = run_models(empty.path(), empty.filePath("hf"), {"--json"});
        QCOMPARE(run.exit_code, 0);
        const auto out = nlohmann::json::parse(run.out.constData());
        QCOMPARE(names(out), QStringList{"Demo: shapes"});
        QCOMPARE(out["folders"].size(), std::size_t(0));
        const ProcessRun text = run_models(empty.path(), empty.filePath("hf"), {});
        QVERIFY2(QString::fromUtf8(text.out).contains("Demo: shapes  [built_in]"),
                 text.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliModels)
#include "tst_cli_models.moc"
