#pragma once

#include "nanovlm/checkpoint_scanner.h"

#include <QSettings>
#include <QStringList>

namespace nanovlm::app {

// The checkpoint folders the user added in the model picker, kept in the chat app's settings
// (organisation "nanovlm", application "nanovlm-chat"). The picker and `nanovlm models` read
// the same list.
QStringList rememberedModelFolders(const QSettings& settings);
void rememberModelFolders(QSettings& settings, const QStringList& folders);

// The tokenizer.json the user chose for a checkpoint that has none of its own, by checkpoint
// folder ("" when none was chosen). The picker lists such a checkpoint as usable with it.
QString rememberedTokenizer(const QSettings& settings, const QString& checkpoint);
void rememberTokenizer(QSettings& settings, const QString& checkpoint, const QString& tokenizer);

// Where the picker and `nanovlm models` look: the checkpoints named on the command line, the
// user's folders, the Hugging Face cache (the scanner's default) and the demo shipped with us.
ScanRequest checkpointScanRequest(const QStringList& commandLine, const QStringList& folders);

} // namespace nanovlm::app
