// Runs remote/chat_remote.qml (QtQuickTest): "Add a server…" and a chat through the real
// `nanovlm serve` (demo model, 127.0.0.1, a free port), with throwaway settings and key file.
// The expected answer is the local engine's greedy one (`nanovlm generate --greedy`).

#include "../app/serve_process.h"
#include "qml_test_app.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlContext>
#include <QQmlEngine>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUrl>
#include <QtQml/qqmlextensionplugin.h> // Q_IMPORT_QML_PLUGIN
#include <QtQuickTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(NanoVlm_AppPlugin)
Q_IMPORT_QML_PLUGIN(NanoVlm_UiPlugin)

namespace {

const QString kDemo = QStringLiteral(NANOVLM_DEMO_MODEL);
const QString kImage = kDemo + "/examples/shapes_1.png";

QString greedy_answer() {
    QProcess generate;
    generate.start(QStringLiteral(NANOVLM_CLI),
                   {"generate", "--model", kDemo, "--image", kImage, "--prompt",
                    "What color is the circle?", "--greedy", "--max-new-tokens", "24", "--json",
                    "--threads", "1"});
    generate.waitForFinished(60000);
    return QJsonDocument::fromJson(generate.readAllStandardOutput())
        .object()
        .value("text")
        .toString();
}

} // namespace

class Setup : public QObject {
    Q_OBJECT

public slots:
    void applicationAvailable() {
        use_test_application(settings_.path(), "tst_qml_remote");
        qputenv("XDG_DATA_HOME", data_.path().toUtf8());
        qputenv("HF_HUB_CACHE",
                data_.filePath("hub").toUtf8()); // the picker lists none of the user's
        serve_ = std::make_unique<nanovlm::test::ServeProcess>(kDemo);
        if (!serve_->running()) {
            qFatal("tst_qml_remote: nanovlm serve did not start: %s", qPrintable(serve_->output()));
        }
        QTcpServer closed;
        closed.listen(QHostAddress::LocalHost);
        unused_url_ = QStringLiteral("http://127.0.0.1:%1/v1").arg(closed.serverPort());
        expected_ = greedy_answer();
        if (expected_.isEmpty()) {
            qFatal("tst_qml_remote: nanovlm generate gave no answer");
        }
    }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        QQmlContext* context = engine->rootContext();
        context->setContextProperty(QStringLiteral("serverUrl"), serve_->baseUrl());
        context->setContextProperty(QStringLiteral("unusedUrl"), unused_url_);
        context->setContextProperty(QStringLiteral("demoImage"), QUrl::fromLocalFile(kImage));
        context->setContextProperty(QStringLiteral("expectedAnswer"), expected_);
        // NANOVLM_SCREENSHOT_DIR: where the dialog and the chat are saved ("" saves none).
        context->setContextProperty(QStringLiteral("screenshotDir"),
                                    qEnvironmentVariable("NANOVLM_SCREENSHOT_DIR"));
    }

private:
    QTemporaryDir settings_;
    QTemporaryDir data_;
    std::unique_ptr<nanovlm::test::ServeProcess> serve_;
    QString unused_url_;
    QString expected_;
};

QUICK_TEST_MAIN_WITH_SETUP(nanovlm_qml_remote, Setup)

#include "tst_qml_remote.moc"
