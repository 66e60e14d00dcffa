// Runs download/picker_download.qml (QtQuickTest): the model picker's Download section against the
// local Hub stand-in (tests/tools/hub_stand_in, CDN slowed so that the progress stays visible),
// with an empty Hugging Face cache and throwaway settings.

#include "../hub_stand_in_process.h"
#include "qml_test_app.h"

#include <QQmlContext>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h> // Q_IMPORT_QML_PLUGIN
#include <QtQuickTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(NanoVlm_AppPlugin)
Q_IMPORT_QML_PLUGIN(NanoVlm_UiPlugin)

class Setup : public QObject {
    Q_OBJECT

public slots:
    void applicationAvailable() {
        use_test_application(settings_.path(), "tst_qml_download");
        hub_ = std::make_unique<nanovlm::test::HubStandIn>(QStringList{"--rate", "400000"});
        if (!hub_->running()) {
            qFatal("tst_qml_download: the Hub stand-in did not start");
        }
        qputenv("HF_ENDPOINT", hub_->endpoint().toUtf8());
        qputenv("HF_HUB_CACHE", cache_.filePath("hub").toUtf8());
        qunsetenv("HF_HUB_OFFLINE");
        qunsetenv("HF_TOKEN");
    }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        // NANOVLM_SCREENSHOT_DIR: where the test saves the picker mid-download and after (run
        // it under xvfb-run with QT_QPA_PLATFORM=xcb for real pictures); "" saves none.
        engine->rootContext()->setContextProperty(QStringLiteral("screenshotDir"),
                                                  qEnvironmentVariable("NANOVLM_SCREENSHOT_DIR"));
    }

private:
    QTemporaryDir settings_;
    QTemporaryDir cache_;
    std::unique_ptr<nanovlm::test::HubStandIn> hub_;
};

QUICK_TEST_MAIN_WITH_SETUP(nanovlm_qml_download, Setup)

#include "tst_qml_download.moc"
