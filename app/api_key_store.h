#pragma once

#include <QString>

namespace nanovlm::app {

// The API keys of the servers the user added, by base URL. Not in the settings file: in
// server-keys.json in the app's data folder (~/.local/share/nanovlm/nanovlm-chat), readable by
// the user only (0600), replaced atomically on every change. (A desktop keyring through
// qtkeychain needs a running Secret Service, which headless machines and CI lack.)
class ApiKeyStore {
public:
    static QString path();

    // "" when none is kept (or the file cannot be read).
    static QString key(const QString& base_url);
    // An empty key removes the entry. false and a message when the file cannot be written.
    static bool setKey(const QString& base_url, const QString& key, QString* error);

    // "••••••••1234": enough to tell keys apart, never the key.
    static QString masked(const QString& key);
};

} // namespace nanovlm::app
