#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace nanovlm::server {

// A request the API refuses, in OpenAI's error shape: {"error": {"message", "type", "param",
// "code"}} with the HTTP status clients branch on (400 bad request, 401 key, 404 model, 413 too
// large, 503 busy). Thrown while a request is read; the server turns it into the response.
class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string type, std::string code, const std::string& message,
             std::string param = {})
        : std::runtime_error(message), status_(status), type_(std::move(type)),
          code_(std::move(code)), param_(std::move(param)) {}

    // 400 invalid_request_error: the most common refusal.
    static ApiError invalid(const std::string& message, std::string param = {},
                            std::string code = {}) {
        return {400, "invalid_request_error", std::move(code), message, std::move(param)};
    }

    int status() const { return status_; }
    nlohmann::json to_json() const;

private:
    int status_;
    std::string type_;
    std::string code_;
    std::string param_;
};

} // namespace nanovlm::server
