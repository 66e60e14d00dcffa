#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

namespace nanovlm::app {

// Where and how we talk to the Hugging Face Hub, read from the environment variables every
// Hugging Face tool honours, so a download here lands where `huggingface-cli` would put it:
//   HF_ENDPOINT             the Hub or a mirror (default https://huggingface.co)
//   HF_HUB_CACHE / HF_HOME  the cache (see nanovlm::hub_cache_directory)
//   HF_TOKEN, else the file HF_TOKEN_PATH, else $HF_HOME/token (~/.cache/huggingface/token)
//   HF_HUB_OFFLINE=1        no request at all: only what the cache already holds
struct HubEndpoint {
    QUrl endpoint;
    QString cache;
    QByteArray token; // "" when none
    bool offline = false;

    static HubEndpoint fromEnvironment();

    // GET: {"sha": commit, "siblings": [{"rfilename": ...}, ...]}
    QUrl revisionUrl(const QString& repo, const QString& revision) const;
    // HEAD then GET of one file at a commit.
    QUrl resolveUrl(const QString& repo, const QString& commit, const QString& file) const;
    // A request to `url`, with the token only when `url` is on the endpoint's own host: a
    // redirect to a CDN (another host) must not carry the user's credentials.
    QNetworkRequest request(const QUrl& url) const;
    bool sameOrigin(const QUrl& url) const;

    // CACHE/models--{org}--{name}, as huggingface_hub's repo_folder_name spells it.
    QString repoFolder(const QString& repo) const;

    // `huggingface-cli download ...`: what to run by hand when we cannot reach the Hub.
    static QString manualCommand(const QString& repo, const QString& revision);
};

// "org/name": letters, digits, '-', '_', '.'; no "..", no leading/trailing '-' or '.'.
bool isValidRepoId(const QString& repo);

} // namespace nanovlm::app
