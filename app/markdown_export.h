#pragma once

#include "conversation.h"

#include <QString>

namespace nanovlm::app {

// Writes a chat as Markdown to `file` (".md" added when missing) and copies its pictures into
// a folder beside it, `<name>_images/`, which the Markdown links to by relative path, so the
// pair can be moved or shared together. False and a message on failure.
bool export_markdown(const Conversation& conversation, const QString& file, QString* error);

} // namespace nanovlm::app
