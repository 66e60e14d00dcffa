#pragma once

#include "download_failure.h"

#include <QNetworkReply>

#include <optional>

namespace nanovlm::app {

// What went wrong with a finished Hub reply, if anything; `what` names the thing asked for
// ("lusxvr/nanoVLM-230M-8k", "model.safetensors") in the message.
std::optional<DownloadFailure> hubReplyFailure(QNetworkReply* reply, const QString& what);

// The reply is a redirect: 301, 302, 303, 307 or 308 with a Location.
bool isRedirect(QNetworkReply* reply);
// Its Location, resolved against the request's URL.
QUrl redirectTarget(QNetworkReply* reply);

} // namespace nanovlm::app
