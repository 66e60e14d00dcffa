#include "model_folders.h"

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

} // namespace nanovlm::app
