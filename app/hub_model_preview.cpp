#include "hub_model_preview.h"

#include "hub_config_check.h"
#include "hub_reply.h"

#include "nanovlm/checkpoint_scanner.h"

#include <QNetworkReply>
#include <QPointer>

#include <algorithm>

namespace nanovlm::app {
namespace {

struct PreviewState {
    std::shared_ptr<HubApi> api;
    QString repo, commit;
    QStringList files;
    std::size_t next = 0;
    qint64 weights = 0;
    HubModelPreview preview;
    QPointer<QObject> owner;
    std::function<void(HubResult<HubModelPreview>)> done;
};

void finishWithConfig(QNetworkAccessManager* network, const std::shared_ptr<PreviewState>& s) {
    const HubEndpoint& hub = s->api->hub();
    QNetworkReply* reply =
        network->get(hub.request(hub.resolveUrl(s->repo, s->commit, "config.json")));
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, s] {
        reply->deleteLater();
        if (s->owner == nullptr) {
            return;
        }
        if (const auto failure = hubReplyFailure(reply, s->repo + "/config.json")) {
            s->done(*failure);
            return;
        }
        QString problem;
        const auto config = nanoVlmConfig(reply->readAll(), s->repo + "/config.json", &problem);
        if (!config) {
            s->done(DownloadFailure{DownloadFailureKind::NotNanoVlm,
                                    s->repo + " is not a nanoVLM checkpoint: " + problem});
            return;
        }
        s->preview.generation =
            QString::fromStdString(std::string(generation_name(config->generation)));
        s->preview.parameters = double(s->weights) / 4.0;
        s->preview.memoryBytes =
            double(estimate_memory(*config, std::size_t(s->weights), 0,
                                   std::min(4096, config->lm_max_position_embeddings), 0)
                       .total());
        s->done(s->preview);
    });
}

void askNextSize(QNetworkAccessManager* network, const std::shared_ptr<PreviewState>& s) {
    if (s->owner == nullptr) {
        return;
    }
    if (s->next >= std::size_t(s->files.size())) {
        finishWithConfig(network, s);
        return;
    }
    const QString file = s->files[qsizetype(s->next++)];
    s->api->metadata(s->api->hub().resolveUrl(s->repo, s->commit, file), s->repo + "/" + file,
                     [network, s, file](HubResult<FileMetadata> answer) {
                         if (s->owner == nullptr) {
                             return;
                         }
                         if (auto* failure = std::get_if<DownloadFailure>(&answer)) {
                             s->done(*failure);
                             return;
                         }
                         const qint64 size =
                             std::max<qint64>(std::get<FileMetadata>(answer).size, 0);
                         s->preview.bytes += size;
                         if (file == "model.safetensors") {
                             s->weights = size;
                         }
                         askNextSize(network, s);
                     });
}

} // namespace

void askHubModelPreview(QNetworkAccessManager* network, const HubEndpoint& hub, const QString& repo,
                        QObject* owner, std::function<void(HubResult<HubModelPreview>)> done) {
    auto s = std::make_shared<PreviewState>();
    s->api = std::make_shared<HubApi>(network, hub);
    s->repo = repo;
    s->owner = owner;
    s->done = std::move(done);
    s->api->revision(repo, "main", [network, s](HubResult<RepoRevision> answer) {
        if (s->owner == nullptr) {
            return;
        }
        if (auto* failure = std::get_if<DownloadFailure>(&answer)) {
            s->done(*failure);
            return;
        }
        s->commit = std::get<RepoRevision>(answer).commit;
        s->files = std::get<RepoRevision>(answer).files;
        if (!s->files.contains("config.json")) {
            s->done(DownloadFailure{DownloadFailureKind::NotNanoVlm,
                                    s->repo + " has no config.json: not a nanoVLM checkpoint."});
            return;
        }
        askNextSize(network, s);
    });
}

} // namespace nanovlm::app
