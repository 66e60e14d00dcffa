#include "cli_support.h"
#include "commands.h"
#include "model_folders.h"

#include "nanovlm/checkpoint_scanner.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>
#include <QDir>

#include <cstdio>

namespace nanovlm::cli {
namespace {

double mib(std::size_t bytes) {
    return double(bytes) / (1024.0 * 1024.0);
}

nlohmann::json entry_json(const CheckpointInfo& c) {
    nlohmann::json out;
    out["name"] = c.name;
    out["directory"] = c.directory;
    out["source"] = std::string(checkpoint_source_name(c.source));
    out["revision"] = c.revision.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.revision);
    out["main_revision"] = c.main_revision;
    out["usable"] = c.usable();
    out["problem"] = c.usable() ? nlohmann::json(nullptr)
                                : nlohmann::json(std::string(checkpoint_problem_name(c.problem)));
    out["reason"] = c.usable() ? nlohmann::json(nullptr) : nlohmann::json(c.reason);
    out["generation"] = c.generation ? nlohmann::json(std::string(generation_name(*c.generation)))
                                     : nlohmann::json(nullptr);
    out["parameters"] = c.parameters;
    out["file_bytes"] = c.file_bytes;
    out["image_tokens"] = c.image_tokens;
    out["image_tiles"] = c.image_tiles;
    out["context"] = c.context;
    out["memory_estimate_bytes"] = c.memory.total();
    out["memory"] = {{"weights", c.memory.weights},
                     {"kv_cache", c.memory.kv_cache},
                     {"scratch", c.memory.scratch}};
    out["tokenizer"] = c.tokenizer.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.tokenizer);
    return out;
}

void print_entry(const CheckpointInfo& c) {
    std::printf("%s  [%s]\n", printable(c.name).c_str(),
                std::string(checkpoint_source_name(c.source)).c_str());
    std::printf("    %s\n", printable(c.directory).c_str());
    if (c.generation) {
        std::printf("    %s, %.1f M parameters, %.1f MiB, %d image tokens a photo, about %.0f MiB "
                    "of memory\n",
                    std::string(generation_name(*c.generation)).c_str(), double(c.parameters) / 1e6,
                    mib(c.file_bytes), c.image_tokens, mib(c.memory.total()));
    }
    if (c.usable()) {
        std::printf("    tokenizer: %s\n", printable(c.tokenizer).c_str());
    } else {
        std::printf("    NOT USABLE (%s): %s\n",
                    std::string(checkpoint_problem_name(c.problem)).c_str(),
                    printable(c.reason).c_str());
    }
}

} // namespace

int run_models(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("List the nanoVLM checkpoints the chat app finds: the folders added in its "
                       "model picker, the Hugging Face cache (HF_HUB_CACHE, else HF_HOME/hub, else "
                       "~/.cache/huggingface/hub), and --model/--folder given here. Reads only "
                       "config.json and the safetensors headers."));
    p.addOptions({{"json", "Print JSON."},
                  {"folder", "Also look in this folder (repeatable; not remembered).", "DIR"},
                  {"model", "Also list this checkpoint folder, first.", "DIR"}});
    if (auto code = parse(p, args)) {
        return *code;
    }
    // The chat app's own settings file, whatever this program is called.
    const QSettings settings(QSettings::UserScope, QStringLiteral("nanovlm"),
                             QStringLiteral("nanovlm-chat"));
    QStringList command_line;
    for (const QString& dir : p.values("model")) {
        command_line.push_back(QDir(dir).absolutePath());
    }
    QStringList folders = app::rememberedModelFolders(settings);
    for (const QString& dir : p.values("folder")) {
        folders.push_back(QDir(dir).absolutePath());
    }
    const ScanRequest request = app::checkpointScanRequest(command_line, folders);
    const ScanResult result = scan_checkpoints(request);

    if (p.isSet("json")) {
        nlohmann::json out;
        out["hub_cache"] = result.hub_cache;
        out["folders"] = nlohmann::json::array();
        for (const QString& dir : folders) {
            out["folders"].push_back(dir.toStdString());
        }
        out["models"] = nlohmann::json::array();
        for (const CheckpointInfo& c : result.checkpoints) {
            out["models"].push_back(entry_json(c));
        }
        std::puts(json_text(out, 2).c_str());
        return 0;
    }
    std::printf("Hugging Face cache: %s\n", printable(result.hub_cache).c_str());
    std::printf("Folders: %s\n", folders.isEmpty()
                                     ? "none added"
                                     : printable(folders.join(QStringLiteral(", "))).c_str());
    if (result.checkpoints.empty()) {
        std::printf("\nNo nanoVLM checkpoints found. Download one with\n"
                    "  nanovlm download lusxvr/nanoVLM-230M-8k\n");
        return 0;
    }
    for (const CheckpointInfo& c : result.checkpoints) {
        std::printf("\n");
        print_entry(c);
    }
    return 0;
}

} // namespace nanovlm::cli
