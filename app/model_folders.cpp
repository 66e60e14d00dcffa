#include "model_folders.h"

#include "demo_model.h"

namespace nanovlm::app {
namespace {

constexpr auto kKey = "models/folders";
// One map (folder -> file): folder paths hold slashes, which QSettings keys cannot.
constexpr auto kTokenizersKey = "models/tokenizers";

} // namespace

QStringList rememberedModelFolders(const QSettings& settings) {
    QStringList folders = settings.value(QLatin1String(kKey)).toStringList();
    folders.removeAll(QString());
    folders.removeDuplicates();
    return folders;
}

void rememberModelFolders(QSettings& settings, const QStringList& folders) {
    settings.setValue(QLatin1String(kKey), folders);
}

QString rememberedTokenizer(const QSettings& settings, const QString& checkpoint) {
    return settings.value(QLatin1String(kTokenizersKey)).toMap().value(checkpoint).toString();
}

void rememberTokenizer(QSettings& settings, const QString& checkpoint, const QString& tokenizer) {
    QVariantMap map = settings.value(QLatin1String(kTokenizersKey)).toMap();
    if (tokenizer.isEmpty()) {
        map.remove(checkpoint);
    } else {
        map.insert(checkpoint, tokenizer);
    }
    settings.setValue(QLatin1String(kTokenizersKey), map);
}

ScanRequest checkpointScanRequest(const QStringList& commandLine, const QStringList& folders) {
    ScanRequest request;
    for (const QString& dir : commandLine) {
        request.command_line.push_back(dir.toStdString());
    }
    for (const QString& dir : folders) {
        request.user_folders.push_back(dir.toStdString());
    }
    if (const QString demo = built_in_demo_directory(); !demo.isEmpty()) {
        request.built_in.push_back(demo.toStdString());
    }
    return request;
}

} // namespace nanovlm::app
