#pragma once

#include <QSettings>
#include <QStringList>

namespace nanovlm::app {

// The checkpoint folders the user added in the model picker, kept in the chat app's settings
// (organisation "nanovlm", application "nanovlm-chat"). The picker and `nanovlm models` read
// the same list.
QStringList rememberedModelFolders(const QSettings& settings);
void rememberModelFolders(QSettings& settings, const QStringList& folders);

} // namespace nanovlm::app
