#pragma once

#include "conversation.h"

#include <QString>

#include <optional>

namespace nanovlm::app {

// Writes a chat as Markdown to `file` (".md" added when missing) and copies its pictures into
// a folder beside it, `<name>_images/`, which the Markdown links to by relative path, so the
// pair can be moved or shared together. Links are percent-encoded (titles have spaces, which
// end a CommonMark link destination) and pictures are turned upright (EXIF orientation), as the
// chat shows them. Returns the Markdown file's path; nullopt and a message on failure.
std::optional<QString> export_markdown(const Conversation& conversation, const QString& file,
                                       QString* error);

} // namespace nanovlm::app
