#include "model_folders.h"

#include "demo_model.h"

namespace nanovlm::app {
namespace {

constexpr auto kKey = "models/folders";

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
