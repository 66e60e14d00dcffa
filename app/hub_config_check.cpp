#include "hub_config_check.h"

#include "nanovlm/error.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace nanovlm::app {

std::optional<ModelConfig> nanoVlmConfig(const QByteArray& json, const QString& source,
                                         QString* problem) {
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    if (!object.contains("vit_hidden_dim") && !object.contains("mp_pixel_shuffle_factor") &&
        !object.contains("vit_img_size")) {
        *problem = source + " has none of nanoVLM's fields (vit_hidden_dim, vit_img_size, "
                            "mp_pixel_shuffle_factor)";
        return std::nullopt;
    }
    try {
        return parse_model_config(json.toStdString(), source.toStdString());
    } catch (const nanovlm::Error& e) {
        *problem = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

} // namespace nanovlm::app
