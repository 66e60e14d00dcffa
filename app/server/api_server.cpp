#include "api_server.h"

#include "api_error.h"
#include "api_key.h"
#include "chat_prompt.h"
#include "completion_json.h"
#include "completion_runner.h"
#include "peer_watch.h"
#include "slot_pool.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

namespace nanovlm::server {
namespace {

using json = nlohmann::json;

constexpr const char* kJson = "application/json";

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJson);
}

void send_error(httplib::Response& res, const ApiError& error) {
    send_json(res, error.status(), error.to_json());
}

std::int64_t unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

struct ApiServer::Impl {
    Impl(std::shared_ptr<const Model> m, ServerConfig c, SessionOptions session)
        : model(std::move(m)), config(std::move(c)),
          pool(model, config.parallel, config.queue, session), created(unix_seconds()) {}

    void routes();
    bool authorized(const httplib::Request& req, httplib::Response& res) const;
    json model_json() const;
    std::string next_id();
    // The client of a request has gone, or the server is stopping (after the step delay).
    bool gone(const PeerWatch& peer) const;
    void chat_completions(const httplib::Request& req, httplib::Response& res);
    void stream(httplib::Response& res, std::shared_ptr<SlotPool::Lease> lease,
                std::shared_ptr<ChatPrompt> prompt, std::shared_ptr<ChatCompletionRequest> request,
                std::shared_ptr<PeerWatch> peer, CompletionHeader header);

    std::shared_ptr<const Model> model;
    ServerConfig config;
    SlotPool pool;
    std::int64_t created;
    httplib::Server http;
    std::atomic<bool> stopping{false};
    std::mutex id_mutex;
    std::mt19937_64 id_random{std::random_device{}()};
};

bool ApiServer::Impl::authorized(const httplib::Request& req, httplib::Response& res) const {
    if (config.api_key.empty()) {
        return true;
    }
    const std::string presented = bearer_token(req.get_header_value("Authorization"));
    if (keys_equal(presented, config.api_key)) {
        return true;
    }
    send_error(res, ApiError(401, "invalid_request_error", "invalid_api_key",
                             presented.empty()
                                 ? "No API key given: send it as 'Authorization: Bearer KEY'."
                                 : "Incorrect API key provided."));
    return false;
}

bool ApiServer::Impl::gone(const PeerWatch& peer) const {
    if (config.step_delay_ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(config.step_delay_ms));
    }
    return stopping.load() || peer.closed();
}

json ApiServer::Impl::model_json() const {
    return {{"id", config.model_id},
            {"object", "model"},
            {"created", created},
            {"owned_by", "nanovlm"}};
}

std::string ApiServer::Impl::next_id() {
    std::lock_guard lock(id_mutex);
    char text[32];
    std::snprintf(text, sizeof text, "chatcmpl-%016llx",
                  static_cast<unsigned long long>(id_random()));
    return text;
}

void ApiServer::Impl::routes() {
    http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
        send_json(res, 200,
                  {{"status", "ok"},
                   {"model", config.model_id},
                   {"slots", pool.slot_count()},
                   {"busy", pool.busy()},
                   {"waiting", pool.waiting()}});
    });
    http.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
        if (authorized(req, res)) {
            send_json(res, 200, {{"object", "list"}, {"data", json::array({model_json()})}});
        }
    });
    http.Get("/v1/models/(.+)", [this](const httplib::Request& req, httplib::Response& res) {
        if (!authorized(req, res)) {
            return;
        }
        if (req.matches[1] != config.model_id) {
            send_error(res, ApiError(404, "invalid_request_error", "model_not_found",
                                     "The model '" + std::string(req.matches[1]) +
                                         "' does not exist; this server has '" + config.model_id +
                                         "'."));
            return;
        }
        send_json(res, 200, model_json());
    });
    http.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
        if (authorized(req, res)) {
            chat_completions(req, res);
        }
    });
    // cpp-httplib's own refusals (no such route, body too large, unreadable request) come
    // without a body: give them OpenAI's shape.
    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty() || res.is_chunked_content_provider_) {
            return;
        }
        const std::string message =
            res.status == 404   ? "Unknown request URL: " + req.method + " " + req.path + "."
            : res.status == 413 ? "The request body is larger than this server accepts."
            : res.status == 405 ? "Method not allowed."
                                : "The request could not be read.";
        send_error(res, ApiError(res.status, "invalid_request_error", "", message));
    });
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
            std::string message = "internal error";
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                message = e.what();
            } catch (...) {
            }
            send_error(res, ApiError(500, "server_error", "", message));
        });
}

void ApiServer::Impl::chat_completions(const httplib::Request& req, httplib::Response& res) {
    try {
        auto request =
            std::make_shared<ChatCompletionRequest>(parse_chat_request(req.body, config.limits));
        if (request->model != config.model_id) {
            throw ApiError(404, "invalid_request_error", "model_not_found",
                           "The model '" + request->model + "' does not exist; this server has '" +
                               config.model_id + "'.",
                           "model");
        }
        auto peer = std::make_shared<PeerWatch>(req.local_port, req.remote_addr, req.remote_port);
        SlotPool::Refusal refusal{};
        std::shared_ptr<SlotPool::Lease> lease =
            pool.acquire([this, peer] { return stopping.load() || peer->closed(); }, &refusal);
        if (!lease) {
            if (refusal == SlotPool::Refusal::QueueFull) {
                res.set_header("Retry-After", "1");
                throw ApiError(503, "server_error", "server_busy",
                               "The server is busy: every slot is answering and the queue is "
                               "full. Try again shortly.");
            }
            return; // the client left while waiting: nobody reads an answer
        }
        auto prompt = std::make_shared<ChatPrompt>(build_chat_prompt(*model, request->messages));
        Session& session = lease->session();
        if (int(prompt->ids.size()) >= session.max_context()) {
            throw ApiError::invalid("The conversation needs " + std::to_string(prompt->ids.size()) +
                                        " positions; this server's context holds " +
                                        std::to_string(session.max_context()) + ".",
                                    "messages", "context_length_exceeded");
        }
        CompletionHeader header{next_id(), config.model_id, unix_seconds()};
        if (request->stream) {
            stream(res, std::move(lease), std::move(prompt), std::move(request), std::move(peer),
                   std::move(header));
            return;
        }
        std::string text;
        const CompletionRun run = run_completion(
            *model, session, *prompt, *request,
            [&](const std::string& piece) {
                text += piece;
                return true;
            },
            [this, peer] { return gone(*peer); });
        if (run.cancelled) {
            return; // nobody to answer
        }
        std::optional<std::vector<TokenId>> ids;
        std::optional<std::vector<TokenId>> prompt_ids;
        if (request->return_token_ids) {
            ids = run.ids;
            prompt_ids = prompt->ids;
        }
        send_json(res, 200,
                  completion_json(header, text, run.finish_reason,
                                  {run.prompt_tokens, int(run.ids.size())}, ids, prompt_ids));
    } catch (const ApiError& e) {
        send_error(res, e);
    } catch (const Error& e) {
        send_error(res, ApiError(500, "server_error", "", e.what()));
    } catch (const std::bad_alloc&) {
        send_error(res, ApiError(503, "server_error", "out_of_memory",
                                 "The server ran out of memory for this request."));
    }
}

void ApiServer::Impl::stream(httplib::Response& res, std::shared_ptr<SlotPool::Lease> lease,
                             std::shared_ptr<ChatPrompt> prompt,
                             std::shared_ptr<ChatCompletionRequest> request,
                             std::shared_ptr<PeerWatch> peer, CompletionHeader header) {
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider("text/event-stream", [this, lease, prompt, request, peer,
                                                           header](std::size_t,
                                                                   httplib::DataSink& sink) {
        auto write = [&](const std::string& data) { return sink.write(data.data(), data.size()); };
        try {
            if (!write(
                    sse_event(chunk_json(header, {{"role", "assistant"}, {"content", ""}}, {})))) {
                return false;
            }
            const CompletionRun run = run_completion(
                *model, lease->session(), *prompt, *request,
                [&](const std::string& piece) {
                    return write(sse_event(chunk_json(header, {{"content", piece}}, {})));
                },
                [this, peer] { return gone(*peer); });
            if (run.cancelled) {
                return false; // drops the connection: the client is gone
            }
            json last = chunk_json(header, json::object(), run.finish_reason);
            if (request->return_token_ids) {
                last["choices"][0]["token_ids"] = run.ids;
                last["prompt_token_ids"] = prompt->ids;
            }
            const CompletionUsage usage{run.prompt_tokens, int(run.ids.size())};
            if (!write(sse_event(last)) ||
                (request->include_usage && !write(sse_event(usage_chunk_json(header, usage))))) {
                return false;
            }
        } catch (const Error& e) {
            // The status line is sent: report in the stream, as OpenAI does.
            write(sse_event(ApiError(500, "server_error", "", e.what()).to_json()));
        } catch (const std::bad_alloc&) {
            write(sse_event(ApiError(503, "server_error", "out_of_memory",
                                     "The server ran out of memory for this request.")
                                .to_json()));
        }
        write(kSseDone);
        sink.done();
        return true;
    });
}

ApiServer::ApiServer(std::shared_ptr<const Model> model, ServerConfig config,
                     SessionOptions session)
    : impl_(std::make_unique<Impl>(std::move(model), std::move(config), session)) {
    Impl& s = *impl_;
    // Every request that may wait for a slot holds a connection thread; a few more keep
    // /health and refusals answering while all of them wait.
    const std::size_t threads = std::size_t(s.config.parallel + s.config.queue + 4);
    s.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    s.http.set_payload_max_length(s.config.max_body);
    s.http.set_read_timeout(60);
    s.http.set_write_timeout(60);
    s.routes();
}

ApiServer::~ApiServer() = default;

bool ApiServer::bind(std::string* error) {
    Impl& s = *impl_;
    const int port = s.config.port == 0
                         ? s.http.bind_to_any_port(s.config.host)
                         : (s.http.bind_to_port(s.config.host, s.config.port) ? s.config.port : -1);
    if (port < 0) {
        *error = "cannot listen on " + s.config.host + ":" + std::to_string(s.config.port) +
                 " (in use, or not an address of this computer)";
        return false;
    }
    s.config.port = port;
    return true;
}

int ApiServer::port() const {
    return impl_->config.port;
}

bool ApiServer::run() {
    return impl_->http.listen_after_bind();
}

void ApiServer::stop() {
    impl_->stopping.store(true);
    impl_->http.stop();
}

} // namespace nanovlm::server
