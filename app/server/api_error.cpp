#include "api_error.h"

namespace nanovlm::server {

nlohmann::json ApiError::to_json() const {
    auto optional = [](const std::string& s) {
        return s.empty() ? nlohmann::json() : nlohmann::json(s);
    };
    return {{"error",
             {{"message", what()},
              {"type", type_},
              {"param", optional(param_)},
              {"code", optional(code_)}}}};
}

} // namespace nanovlm::server
