#include "cli_support.h"
#include "commands.h"

#include "server/api_key.h"
#include "server/api_server.h"

#include "nanovlm/nanovlm.h"

#include <QCommandLineParser>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace nanovlm::cli {
namespace {

struct ServeArgs {
    QString model;
    QString tokenizer;
    server::ServerConfig config;
    int threads = 0;
    WeightFormat weights = WeightFormat::F32;
};

std::optional<int> parse_serve(const QStringList& args, ServeArgs& out) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Serve a checkpoint over the OpenAI chat completions API "
                       "(GET /v1/models, POST /v1/chat/completions, GET /health)."));
    p.addOptions({
        {"model", "Checkpoint folder (config.json + model.safetensors).", "DIR"},
        {"tokenizer", "tokenizer.json to use instead of the one found.", "FILE"},
        {"host", "Address to listen on (default 127.0.0.1: this computer only).", "HOST"},
        {"port", "Port to listen on (default 8080; 0: any free port).", "PORT"},
        {"api-key",
         "Key clients must send as 'Authorization: Bearer KEY' (or set NANOVLM_API_KEY). "
         "Required to listen beyond loopback.",
         "KEY"},
        {"parallel", "Requests answered at once, each with its own session (default 1).", "N"},
        {"queue", "Requests that may wait beyond those; more get 503 (default 64).", "N"},
        {"threads", "Threads per answer (default: every core shared among --parallel).", "N"},
        {"max-body-mb", "Largest request body in MiB (default 64).", "N"},
        {"max-tokens", "Answer length when a request gives none (default 512).", "N"},
        weights_option_spec(),
    });
    QCommandLineOption step_delay(QStringLiteral("step-delay-ms"),
                                  QStringLiteral("Tests only: pause this long at every step."),
                                  QStringLiteral("MS"));
    step_delay.setFlags(QCommandLineOption::HiddenFromHelp);
    p.addOption(step_delay);
    if (auto code = parse(p, args)) {
        return code;
    }
    if (!p.isSet("model")) {
        return usage_error(p, QStringLiteral("--model DIR is required"));
    }
    out.model = p.value("model");
    out.tokenizer = p.value("tokenizer");
    server::ServerConfig& c = out.config;
    if (p.isSet("host")) {
        c.host = p.value("host").toStdString();
    }
    c.api_key = p.isSet("api-key") ? p.value("api-key").toStdString()
                                   : qEnvironmentVariable("NANOVLM_API_KEY").toStdString();
    const auto port = int_option(p, "port", 8080, 0, 65535);
    const auto parallel = int_option(p, "parallel", 1, 1, 256);
    const auto queue = int_option(p, "queue", 64, 0, 4096);
    const auto threads = int_option(p, "threads", 0, 0, 1024);
    const auto body = int_option(p, "max-body-mb", 64, 1, 4096);
    const auto max_tokens = int_option(p, "max-tokens", 512, 1, 1 << 20);
    const auto delay = int_option(p, "step-delay-ms", 0, 0, 10'000);
    const auto weights = weights_option(p);
    if (!port || !parallel || !queue || !threads || !body || !max_tokens || !delay || !weights) {
        return 2;
    }
    if (!server::is_loopback_host(c.host) && c.api_key.empty()) {
        return usage_error(p, QStringLiteral("--host %1 lets other computers connect: give "
                                             "--api-key KEY (or NANOVLM_API_KEY) too")
                                  .arg(p.value("host")));
    }
    c.port = *port;
    c.parallel = *parallel;
    c.queue = *queue;
    c.max_body = std::size_t(*body) << 20;
    c.limits.default_max_tokens = *max_tokens;
    c.limits.max_image_bytes = std::min(c.limits.max_image_bytes, c.max_body);
    c.step_delay_ms = *delay;
    out.threads = *threads;
    out.weights = *weights;
    return std::nullopt;
}

} // namespace

int run_serve(const QStringList& args) {
    ServeArgs a;
    if (auto code = parse_serve(args, a)) {
        return *code;
    }
    // A client that hangs up mid-answer must not kill the server with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        LoadOptions load;
        load.tokenizer_file = a.tokenizer.toStdString();
        load.require_tokenizer = true;
        load.weights = a.weights;
        auto model = Model::load(a.model.toStdString(), load);
        a.config.model_id = checkpoint_display_name(model->directory());

        SessionOptions session;
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        session.threads = a.threads > 0 ? a.threads : std::max(1, cores / a.config.parallel);

        server::ApiServer server(model, a.config, session);
        std::string error;
        if (!server.bind(&error)) {
            return failure(QString::fromStdString(error));
        }
        std::printf("nanovlm serve: model '%s' on http://%s:%d/v1 (%d parallel, %d threads "
                    "each)\n",
                    a.config.model_id.c_str(), a.config.host.c_str(), server.port(),
                    a.config.parallel, session.threads);
        std::fflush(stdout);

        std::atomic<bool> done{false};
        std::thread watcher([&] {
            while (!done.load() && !g_interrupted.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            server.stop();
        });
        const bool ok = server.run();
        done.store(true);
        watcher.join();
        if (!ok && !g_interrupted.load()) {
            return failure(QStringLiteral("the server stopped unexpectedly"));
        }
        return 0;
    } catch (const Error& e) {
        return failure(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        return failure(QStringLiteral("out of memory"));
    }
}

} // namespace nanovlm::cli
