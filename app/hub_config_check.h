#pragma once

#include "nanovlm/config.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace nanovlm::app {

// A repo's config.json as the downloader judges it before fetching any weights: a nanoVLM
// checkpoint's has VLMConfig's vision or projector fields (as the checkpoint scanner requires)
// and parses as a model config. The config, or nullopt with *problem saying why not.
std::optional<ModelConfig> nanoVlmConfig(const QByteArray& json, const QString& source,
                                         QString* problem);

} // namespace nanovlm::app
