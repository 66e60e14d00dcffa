#pragma once

#include <QString>

namespace nanovlm::app {

// Checks a downloaded file against the ETag the Hub gave for it. The Hub's ETag is the file's
// SHA-256 for large (LFS) files and its git blob id (SHA-1 of "blob <size>\0" + contents) for
// the others. True when it matches; otherwise false with *error saying what was found.
bool blobMatchesEtag(const QString& path, const QString& etag, QString* error);

// 64 hex digits (an LFS SHA-256) or 40 (a git blob SHA-1): an ETag we can check.
bool isVerifiableEtag(const QString& etag);

} // namespace nanovlm::app
