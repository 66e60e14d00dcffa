#pragma once

#include "hub_api.h"

#include <QObject>

#include <memory>

namespace nanovlm::app {

// What the picker shows of a checkpoint before it is downloaded, asked from the Hub: the bytes
// to download (HEAD of every file) and, from its config.json (a few kB, read into memory, not
// the cache), the generation, about how many parameters (the weights' size / 4: nanoVLM
// publishes float32) and the memory estimate the catalogue would give.
struct HubModelPreview {
    qint64 bytes = 0;
    QString generation; // "v0.1", "v0.2", "main"
    double parameters = 0;
    double memoryBytes = 0;
};

// Asks; `done` gets the preview or why not. The callbacks stop when `owner` is destroyed.
void askHubModelPreview(QNetworkAccessManager* network, const HubEndpoint& hub, const QString& repo,
                        QObject* owner, std::function<void(HubResult<HubModelPreview>)> done);

} // namespace nanovlm::app
