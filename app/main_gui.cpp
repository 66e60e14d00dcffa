// `nanovlm-chat`: the desktop chat. Parses the command line, then hands over to the QML module
// NanoVlm.Ui; everything else lives in nanovlm_app (ChatController and its worker thread).

#include "attachment_model.h"
#include "build_info.h"
#include "chat_controller.h"
#include "conversation_store.h"
#include "local_only_network.h"
#include "quit_on_signal.h"
#include "single_instance.h"

#include <QCommandLineParser>
#include <QDir>
#include <QGuiApplication>
#include <QIcon>
#include <QPalette>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QUrl>

#include <QtQml/qqmlextensionplugin.h> // Q_IMPORT_QML_PLUGIN
#include <optional>

// The QML modules are static libraries; these pull in their type registrations.
Q_IMPORT_QML_PLUGIN(NanoVlm_AppPlugin)
Q_IMPORT_QML_PLUGIN(NanoVlm_UiPlugin)

namespace {

QString absolute(const QString& path) {
    return path.isEmpty() ? path : QDir(path).absolutePath();
}

} // namespace

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("nanovlm"));
    QGuiApplication::setApplicationName(QStringLiteral("nanovlm-chat"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("nanoVLM Chat"));
    QGuiApplication::setApplicationVersion(
        QStringLiteral("%1 (commit %2)")
            .arg(QString::fromLatin1(nanovlm::app::build_version()),
                 QString::fromLatin1(nanovlm::app::build_commit())));
    QGuiApplication::setDesktopFileName(QStringLiteral("nanovlm-chat"));
    // The installed hicolor icon (X11 window icon; Wayland takes it from the .desktop file).
    QGuiApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("nanovlm-chat")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Ask questions about images with a local nanoVLM model."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {"model", "Open this checkpoint folder (config.json + model.safetensors).", "DIR"},
        {"tokenizer", "tokenizer.json to use instead of the one found.", "FILE"},
        {"theme", "Colour theme for this run: system, light or dark.", "THEME"},
        {"chats",
         "Save chats in DIR instead of " + nanovlm::app::ConversationStore::defaultFolder() +
             " (scripted runs save none unless this is given).",
         "DIR"},
        // Scripted runs (screenshots, tests): ask, wait for each answer, then quit. They leave
        // the saved settings as they were.
        {"ask",
         "Scripted run: ask this question once the model is ready (repeat for a "
         "follow-up).",
         "TEXT"},
        {"attach", "Scripted run: attach this image to the first question (repeatable).", "FILE"},
        {"max-new-tokens", "Scripted run: answer length limit for this run.", "N"},
        {"step-delay",
         "Scripted run: sleep this many ms at every engine step so that a tiny "
         "model's stages stay visible.",
         "MS"},
        {"screenshot",
         "Scripted run: save PREFIX-{welcome,composer,progress,streaming,done,settings,picker}.png "
         "along the way.",
         "PREFIX"},
    });
    // "Open with nanovlm chat" on images (the .desktop file's Exec=nanovlm-chat %F).
    parser.addPositionalArgument("files", "Images to attach to the first question.", "[FILE...]");
    parser.process(app);

    const QString theme = parser.value("theme");
    if (!theme.isEmpty() && theme != "system" && theme != "light" && theme != "dark") {
        qCritical("nanovlm-chat: --theme must be system, light or dark");
        return 2;
    }
    QStringList attach;
    for (const QString& file : parser.values("attach")) {
        attach.push_back(absolute(file));
    }
    QStringList files;
    for (const QString& file : parser.positionalArguments()) {
        files.push_back(absolute(file));
    }
    QVariantMap script;
    if (parser.isSet("ask")) {
        script = {
            {"questions", parser.values("ask")},
            {"attach", attach},
            {"maxNewTokens", parser.value("max-new-tokens").toInt()},
            {"stepDelay", parser.value("step-delay").toInt()},
            {"screenshot", absolute(parser.value("screenshot"))},
        };
    }

    const QString chats_folder = parser.isSet("chats") ? absolute(parser.value("chats"))
                                 : parser.isSet("ask")
                                     ? QString()
                                     : nanovlm::app::ConversationStore::defaultFolder();
    // One window per chats folder: a second would overwrite the first one's turns.
    std::optional<nanovlm::app::SingleInstance> instance;
    if (!chats_folder.isEmpty()) {
        instance.emplace(chats_folder);
        QString error;
        switch (instance->claim(files, &error)) {
        case nanovlm::app::SingleInstance::Claim::First:
            break;
        case nanovlm::app::SingleInstance::Claim::HandedOver:
            if (parser.isSet("ask")) { // a script cannot run in another process's window
                qCritical("nanovlm-chat: another nanovlm-chat uses the chats folder %s; a "
                          "scripted run needs its own (--chats DIR)",
                          qPrintable(chats_folder));
                return 2;
            }
            qInfo("nanovlm-chat: handed over to the nanovlm-chat already running on %s",
                  qPrintable(chats_folder));
            return 0;
        case nanovlm::app::SingleInstance::Claim::Failed:
            qCritical("nanovlm-chat: %s", qPrintable(error));
            return 1;
        }
    }

    // Material: a complete light and dark look whose colours Main.qml sets from our Theme.
    QQuickStyle::setStyle(QStringLiteral("Material"));
    // Markdown links take their colour from the application palette when an answer is parsed;
    // this violet reads on both the light and the dark background.
    QPalette palette = QGuiApplication::palette();
    palette.setColor(QPalette::Link, QColor(0x6f, 0x78, 0xf0));
    QGuiApplication::setPalette(palette);
    nanovlm::app::QuitOnSignal quit_on_signal;

    QQmlApplicationEngine engine;
    nanovlm::app::install_local_only_network(engine);
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.setInitialProperties({
        {"initialModel", absolute(parser.value("model"))},
        {"initialTokenizer", absolute(parser.value("tokenizer"))},
        {"themeOverride", theme == "system" ? QString() : theme},
        {"initialAttachments", files},
        {"script", script},
        {"chatsFolder", chats_folder},
    });
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreated, &app,
        [](QObject* root, const QUrl&) {
            if (root == nullptr) {
                QCoreApplication::exit(1);
            }
        },
        Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/NanoVlm/Ui/Main.qml")));
    if (instance && !engine.rootObjects().isEmpty()) {
        QObject* root = engine.rootObjects().constFirst();
        QObject::connect(&*instance, &nanovlm::app::SingleInstance::activated, root,
                         [root](const QStringList& handed) {
                             auto* controller = root->findChild<nanovlm::app::ChatController*>();
                             if (controller == nullptr) {
                                 return;
                             }
                             for (const QString& file : handed) {
                                 controller->attachments()->addFile(file);
                             }
                             if (auto* window = qobject_cast<QQuickWindow*>(root)) {
                                 window->setWindowStates(window->windowStates() &
                                                         ~Qt::WindowMinimized);
                                 window->show();
                                 window->raise();
                                 window->requestActivate();
                             }
                             qInfo("nanovlm-chat: activated by another launch: %lld file(s) "
                                   "handed over, %d attached",
                                   qsizetype(handed.size()), controller->attachments()->count());
                         });
    }
    return app.exec();
}
