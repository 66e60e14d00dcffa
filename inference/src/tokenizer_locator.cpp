#include "nanovlm/error.h"
#include "nanovlm/tokenizer.h"
#include "regular_file.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace nanovlm {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

// huggingface_hub's cache root: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub.
fs::path hub_cache_root() {
    if (const std::string hub = env("HF_HUB_CACHE"); !hub.empty()) {
        return hub;
    }
    if (const std::string home = env("HF_HOME"); !home.empty()) {
        return fs::path(home) / "hub";
    }
    return fs::path(env("HOME")) / ".cache" / "huggingface" / "hub";
}

// is_regular_file follows symlinks: snapshot files link to ../../blobs/<hash>, and a dangling
// link (blob not downloaded) counts as missing.
bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// A refs file that is not a small regular file names no revision.
std::string read_ref(const fs::path& ref) {
    std::string text;
    try {
        text = read_regular_file(ref.string(), kMaxRefBytes, "revision file");
    } catch (const Error&) {
        return {};
    }
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) {
        return {};
    }
    const auto end = text.find_first_of(" \t\r\n", begin);
    return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

} // namespace

std::string locate_tokenizer(const std::string& explicit_file, const std::string& model_dir,
                             const std::string& hub_name) {
    if (!explicit_file.empty()) {
        if (exists_but_is_not_regular(explicit_file)) {
            throw Error(explicit_file +
                        ": not a regular file (a device, FIFO or folder), so not a tokenizer.json");
        }
        if (!is_file(explicit_file)) {
            throw Error(explicit_file + ": tokenizer file not found");
        }
        return explicit_file;
    }
    std::vector<std::string> tried;
    if (!model_dir.empty()) {
        const fs::path p = fs::path(model_dir) / "tokenizer.json";
        if (is_file(p)) {
            return p.string();
        }
        tried.push_back(p.string() + (exists_but_is_not_regular(p.string())
                                          ? " (there, but not a regular file)"
                                          : ""));
    }
    if (!hub_name.empty()) {
        // models--{org}--{name}, as huggingface_hub's repo_folder_name spells it.
        std::string folder = "models--" + hub_name;
        for (std::size_t pos = folder.find('/'); pos != std::string::npos;
             pos = folder.find('/', pos)) {
            folder.replace(pos, 1, "--");
        }
        const fs::path repo = hub_cache_root() / folder;
        const fs::path snapshots = repo / "snapshots";
        // The revision refs/main names is what `huggingface-cli download` fetched last.
        if (const std::string rev = read_ref(repo / "refs" / "main"); !rev.empty()) {
            const fs::path p = snapshots / rev / "tokenizer.json";
            if (is_file(p)) {
                return p.string();
            }
            tried.push_back(p.string());
        }
        std::vector<fs::path> candidates;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(snapshots, ec)) {
            candidates.push_back(entry.path() / "tokenizer.json");
        }
        std::sort(candidates.begin(), candidates.end()); // the same choice on every run
        for (const fs::path& p : candidates) {
            if (is_file(p)) {
                return p.string();
            }
            if (std::find(tried.begin(), tried.end(), p.string()) == tried.end()) {
                tried.push_back(p.string());
            }
        }
        if (candidates.empty()) {
            tried.push_back((snapshots / "*" / "tokenizer.json").string());
        }
    }

    std::string message = "no tokenizer.json found. Looked in:";
    for (const std::string& p : tried) {
        message += "\n  " + p;
    }
    message += "\nDownload it with `huggingface-cli download " +
               (hub_name.empty() ? std::string("HuggingFaceTB/SmolLM2-360M-Instruct") : hub_name) +
               " tokenizer.json`, or pass --tokenizer FILE.";
    throw Error(message);
}

} // namespace nanovlm
