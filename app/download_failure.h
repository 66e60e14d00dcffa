#pragma once

#include <QString>

namespace nanovlm::app {

// Why a download stopped. Each kind has its own advice in the message; `retryable` kinds are
// tried again with a backoff before they are reported, and a download stopped by one resumes
// from its partial files when started again.
enum class DownloadFailureKind {
    Offline,      // HF_HUB_OFFLINE is set and the cache does not hold it
    NoNetwork,    // the Hub's host cannot be reached at all
    Unauthorized, // 401/403: gated or private
    NotFound,     // 404: no such repo, revision or file
    Server,       // 5xx or 429 (retryable)
    Dropped,      // the connection broke mid-transfer (retryable)
    Checksum,     // the bytes do not match the Hub's checksum (partial deleted)
    DiskFull,     // not enough free space, checked before starting, or a write failed
    NotNanoVlm,   // no config.json with the nanoVLM fields
    Busy,         // another program holds the file's lock (retryable)
    Cancelled,
    Other,
};

struct DownloadFailure {
    DownloadFailureKind kind = DownloadFailureKind::Other;
    QString message; // for a person, whole sentences

    bool retryable() const {
        return kind == DownloadFailureKind::Server || kind == DownloadFailureKind::Dropped ||
               kind == DownloadFailureKind::Busy;
    }
};

// "offline", "no_network", "unauthorized", "not_found", "server", "dropped", "checksum",
// "disk_full", "not_nanovlm", "busy", "cancelled", "other": for --json and the tests.
QString downloadFailureName(DownloadFailureKind kind);

} // namespace nanovlm::app
