#pragma once

#include <QStringList>

#include <atomic>

namespace nanovlm::cli {

// Set by SIGINT/SIGTERM: a running answer stops after the current token.
extern std::atomic<bool> g_interrupted;

// Each takes the arguments after the subcommand name and returns the process exit code:
// 0 success, 1 a failure reported on stderr, 2 a usage error.
int run_bench(const QStringList& args);
int run_generate(const QStringList& args);
int run_inspect(const QStringList& args);
int run_models(const QStringList& args);
int run_serve(const QStringList& args);
int run_tokenize(const QStringList& args);
int run_download(const QStringList& args);

} // namespace nanovlm::cli
