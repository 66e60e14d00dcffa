// `nanovlm`: the command-line face of the engine. The contract (subcommands, flags, JSON fields)
// is stable: scripts and tests rely on it (see README.md).

#include "build_info.h"
#include "commands.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

namespace nanovlm::cli {
std::atomic<bool> g_interrupted{false};
}

namespace {

void on_signal(int) {
    nanovlm::cli::g_interrupted.store(true);
}

constexpr const char* kUsage =
    "usage: nanovlm <command> [options]\n"
    "\n"
    "commands:\n"
    "  generate   answer a question about images (--model DIR --image FILE --prompt TEXT)\n"
    "  inspect    describe a checkpoint (--model DIR [--json])\n"
    "  models     list the checkpoints found (folders, Hugging Face cache) [--json]\n"
    "  bench      time a checkpoint (--model DIR --image FILE --prompt TEXT [--json])\n"
    "  tokenize   encode JSON strings (one a line) to ids, or --decode ids to strings\n"
    "  serve      answer the OpenAI chat API over HTTP (--model DIR [--port 8080])\n"
    "  download   fetch a checkpoint and its tokenizer from the Hugging Face Hub (REPO)\n"
    "\n"
    "Run 'nanovlm <command> --help' for a command's options.\n";

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nanovlm"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(nanovlm::app::build_version()));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == "--help" || args[1] == "-h" || args[1] == "help") {
        std::fputs(kUsage, args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == "--version") {
        std::printf("nanovlm %s (commit %s)\n", nanovlm::app::build_version(),
                    nanovlm::app::build_commit());
        return 0;
    }
    const QString command = args[1];
    args.removeAt(1); // what remains parses like "nanovlm-<command> [options]"
    if (command == "generate") {
        return nanovlm::cli::run_generate(args);
    }
    if (command == "bench") {
        return nanovlm::cli::run_bench(args);
    }
    if (command == "inspect") {
        return nanovlm::cli::run_inspect(args);
    }
    if (command == "models") {
        return nanovlm::cli::run_models(args);
    }
    if (command == "serve") {
        return nanovlm::cli::run_serve(args);
    }
    if (command == "tokenize") {
        return nanovlm::cli::run_tokenize(args);
    }
    if (command == "download") {
        return nanovlm::cli::run_download(args);
    }
    std::fprintf(stderr, "nanovlm: unknown command '%s'\n\n%s", qPrintable(command), kUsage);
    return 2;
}
