// Runs the tst_*.qml files in this folder (QtQuickTest), with the app's QML modules linked in,
// a throwaway settings folder and a throwaway Hugging Face cache (the model picker lists it).

#include "../hub_cache_fixture.h"
#include "local_only_network.h"
#include "qml_test_app.h"

#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h> // Q_IMPORT_QML_PLUGIN
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(NanoVlm_AppPlugin)
Q_IMPORT_QML_PLUGIN(NanoVlm_UiPlugin)

class Setup : public QObject {
    Q_OBJECT

public slots:
    void applicationAvailable() {
        use_test_application(settings_.path(), "tst_qml");

        // One good checkpoint with its tokenizer, one broken: what tst_picker.qml expects.
        using namespace hub_fixture;
        const QString hub = hub_.filePath("hub");
        qputenv("HF_HUB_CACHE", hub.toUtf8());
        const QByteArray weights = read(checkpoint("main") + "/model.safetensors");
        const bool made = add_snapshot(hub, "HuggingFaceTB/SmolLM2-360M-Instruct", revision('1'),
                                       {{"tokenizer.json", read(tokenizer_file())}}, true) &&
                          add_snapshot(hub, "lusxvr/nanoVLM-230M-8k", revision('a'),
                                       checkpoint_files("main"), true) &&
                          add_snapshot(hub, "test/nanoVLM-truncated", revision('b'),
                                       {{"config.json", read(checkpoint("main") + "/config.json")},
                                        {"model.safetensors", weights.left(weights.size() / 2)}},
                                       true);
        if (!made) {
            qFatal("tst_qml: could not build the Hugging Face cache fixture in %s",
                   qPrintable(hub));
        }
    }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml")); // Qt 6.4 does not by default
        nanovlm::app::install_local_only_network(*engine);    // as nanovlm-chat: nothing is fetched
    }

private:
    QTemporaryDir settings_;
    QTemporaryDir hub_;
};

QUICK_TEST_MAIN_WITH_SETUP(nanovlm_qml, Setup)

#include "tst_qml.moc"
