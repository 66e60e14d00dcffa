#include "nanovlm/error.h"
#include "nanovlm/tokenizer.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

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

std::string read_ref(const fs::path& ref) {
    std::ifstream in(ref);
    std::string rev;
    in >> rev;
    return rev;
}

} // namespace

std::string locate_tokenizer(const std::string& explicit_file, const std::string& model_dir,
                             const std::string& hub_name) {
    if (!explicit_file.empty()) {
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
        tried.push_back(p.string());
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
