#pragma once

#include "chat_request.h"

#include "nanovlm/nanovlm.h"

#include <cstddef>
#include <memory>
#include <string>

namespace nanovlm::server {

struct ServerConfig {
    std::string host = "127.0.0.1";
    int port = 8080;     // 0: any free port (port() says which)
    std::string api_key; // "": no key asked
    int parallel = 1;    // requests generating at once
    int queue = 64;      // requests waiting beyond those; more get 503
    std::size_t max_body = std::size_t(64) << 20;
    std::string model_id; // the name /v1/models lists and requests must use
    RequestLimits limits;
    // Tests only: a pause at every engine step, so that a tiny model's answer lasts long enough
    // to hang up in the middle of. 0 in normal use.
    int step_delay_ms = 0;
};

// `nanovlm serve`: the OpenAI chat completions API over one loaded model (cpp-httplib).
// GET /health, GET /v1/models[/{id}], POST /v1/chat/completions (JSON or, with stream: true,
// server-sent events ending in "data: [DONE]"). Each request answers on a session of its own
// from the SlotPool; refusals are OpenAI-shaped errors (ApiError).
class ApiServer {
public:
    ApiServer(std::shared_ptr<const Model> model, ServerConfig config, SessionOptions session);
    ~ApiServer();

    // Binds the address; false with *error set when it cannot.
    bool bind(std::string* error);
    int port() const;
    // Serves until stop(); false if the server failed.
    bool run();
    // Thread-safe: ends run() and cancels running generations at their next token.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nanovlm::server
