#include "nanovlm/checkpoint_scanner.h"

#include "nanovlm/error.h"
#include "nanovlm/image.h"
#include "nanovlm/json_limits.h"
#include "nanovlm/tokenizer.h"
#include "regular_file.h"
#include "safetensors.h"
#include "weights.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

namespace nanovlm {
namespace {

namespace fs = std::filesystem;

// What a session is built with by default (SessionOptions, session.cpp resolve_context).
constexpr int kDefaultContext = 4096;
constexpr std::size_t kPrefillChunk = 256;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

// Follows symlinks: cache snapshot files link to ../../blobs/<hash>, and a dangling link (the
// blob was never downloaded) counts as missing.
bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// Also true for a dangling link: a snapshot whose blob is missing is still a checkpoint.
bool present(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec) || fs::is_symlink(p, ec);
}

bool is_folder(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

std::vector<fs::path> subdirectories(const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code ec;
    // increment(ec), not ++: an unreadable entry ends the listing instead of throwing.
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (is_folder(it->path())) {
            found.push_back(it->path());
        }
    }
    std::sort(found.begin(), found.end()); // the same order on every run
    return found;
}

// A small regular file's text; throws Error for anything else (a FIFO would block the scan
// forever, /dev/zero would fill memory).
std::string read_text(const fs::path& path, std::size_t max_bytes, std::string_view what,
                      std::size_t* bytes_read) {
    std::string result = read_regular_file(path.string(), max_bytes, what);
    if (bytes_read != nullptr) {
        *bytes_read += result.size();
    }
    return result;
}

// The same, or nothing when the file is missing or unusable: for files that only hint.
std::string read_hint(const fs::path& path, std::size_t max_bytes, std::size_t* bytes_read) {
    try {
        return read_text(path, max_bytes, fs::path(path).filename().string(), bytes_read);
    } catch (const Error&) {
        return {};
    }
}

nlohmann::json parse_hint(const std::string& text) {
    try {
        return parse_json_limited(text, "hint");
    } catch (const std::exception&) { // Error (too deep) or a syntax error
        return nlohmann::json::value_t::discarded;
    }
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

// A folder found *inside* a user folder or in the cache is a nanoVLM checkpoint when its
// config.json has VLMConfig's vision or projector fields, or, when the config cannot tell (it
// is missing or broken), when its name says nanoVLM. Other models (the SmolLM2 tokenizer repos,
// other LLMs) are not listed at all.
bool looks_like_nanovlm(const fs::path& dir, const std::string& name, std::size_t* bytes_read) {
    const fs::path config = dir / "config.json";
    if (is_file(config)) {
        const auto json = parse_hint(read_hint(config, kMaxConfigBytes, bytes_read));
        if (json.is_object()) {
            return json.contains("vit_hidden_dim") || json.contains("mp_pixel_shuffle_factor") ||
                   json.contains("vit_img_size");
        }
    }
    return lower(name).find("nanovlm") != std::string::npos &&
           (present(config) || present(dir / "model.safetensors"));
}

std::size_t half_precision_elements(const SafetensorsHeader& header) {
    std::size_t count = 0;
    for (const auto& [name, info] : header.tensors) {
        if (info.dtype != DType::F32) {
            count += info.bytes / dtype_size(info.dtype);
        }
    }
    return count;
}

// Tiles of a typical photo at the model's own detail (ImageGeometry's max_tiles_per_side 0).
int typical_photo_tiles(const ModelConfig& config) {
    const ImageGeometry geometry = ImageGeometry::from_config(config);
    if (geometry.mode == ImageGeometry::Mode::Square) {
        return 1;
    }
    const TileGrid grid = plan_tiles(kTypicalPhotoWidth, kTypicalPhotoHeight, geometry);
    const int tiles = grid.rows * grid.cols;
    return tiles + (tiles > 1 ? 1 : 0); // the global view comes first when split
}

std::string folder_name(const fs::path& dir) {
    const fs::path clean = dir.has_filename() ? dir : dir.parent_path();
    return clean.filename().string();
}

// models--{org}--{name} → org/name (huggingface_hub's repo_folder_name, reversed).
std::string repo_id(const std::string& folder) {
    const std::string_view rest =
        std::string_view(folder).substr(std::string_view("models--").size());
    std::string id;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest.compare(i, 2, "--") == 0) {
            id += '/';
            ++i;
        } else {
            id += rest[i];
        }
    }
    return id;
}

std::string first_word(const std::string& text) {
    std::istringstream in(text);
    std::string word;
    in >> word;
    return word;
}

// A shipped checkpoint's name from its demo.json ("Demo: shapes"); the folder name without one.
std::string built_in_name(const std::string& directory) {
    const auto json =
        parse_hint(read_hint(fs::path(directory) / "demo.json", kMaxConfigBytes, nullptr));
    if (json.is_object() && json.contains("name") && json["name"].is_string()) {
        return json["name"].get<std::string>();
    }
    return checkpoint_display_name(directory);
}

class Scanner {
public:
    explicit Scanner(const ScanRequest& request) : request_(request) {}

    ScanResult run() {
        for (const std::string& dir : request_.command_line) {
            add(dir, CheckpointSource::CommandLine, {});
        }
        for (const std::string& folder : request_.user_folders) {
            scan_user_folder(folder);
        }
        if (request_.include_hub_cache) {
            result_.hub_cache = hub_cache_directory();
            scan_hub_cache(result_.hub_cache);
        }
        for (const std::string& dir : request_.built_in) {
            add(dir, CheckpointSource::BuiltIn, built_in_name(dir));
        }
        return std::move(result_);
    }

private:
    void watch(const fs::path& dir) { result_.watched_directories.push_back(dir.string()); }

    void add(const fs::path& dir, CheckpointSource source, const std::string& name) {
        std::error_code ec;
        const fs::path absolute = fs::absolute(dir, ec).lexically_normal();
        const fs::path key = fs::weakly_canonical(absolute, ec);
        if (!seen_.insert(key.string()).second) {
            return;
        }
        CheckpointInfo info =
            inspect_checkpoint(absolute.string(), source, request_.threads, &result_.bytes_read);
        if (!name.empty()) {
            info.name = name;
        }
        watch(absolute);
        result_.checkpoints.push_back(std::move(info));
    }

    void scan_user_folder(const fs::path& folder) {
        if (!is_folder(folder)) {
            return;
        }
        watch(folder);
        // The folder of one checkpoint, or a folder of checkpoints.
        if (present(folder / "config.json") || present(folder / "model.safetensors")) {
            add(folder, CheckpointSource::UserFolder, {});
            return;
        }
        for (const fs::path& child : subdirectories(folder)) {
            if (looks_like_nanovlm(child, folder_name(child), &result_.bytes_read)) {
                add(child, CheckpointSource::UserFolder, {});
            }
        }
    }

    void scan_hub_cache(const fs::path& hub) {
        if (!is_folder(hub)) {
            return;
        }
        watch(hub);
        for (const fs::path& repo : subdirectories(hub)) {
            const std::string folder = repo.filename().string();
            if (folder.rfind("models--", 0) != 0) {
                continue; // datasets--, spaces--, .locks
            }
            scan_repo(repo, repo_id(folder));
        }
    }

    // The snapshot refs/main names first (what `huggingface-cli download` fetched last), under
    // the plain repo id; every other snapshot after it as org/name@rev7.
    void scan_repo(const fs::path& repo, const std::string& id) {
        const std::string main_rev =
            first_word(read_hint(repo / "refs" / "main", kMaxRefBytes, &result_.bytes_read));
        std::vector<fs::path> snapshots = subdirectories(repo / "snapshots");
        std::stable_partition(snapshots.begin(), snapshots.end(),
                              [&](const fs::path& s) { return s.filename().string() == main_rev; });
        // Every repo is watched, not only nanoVLM ones: a download in progress may not have
        // written the config.json that tells yet.
        watch(repo / "snapshots");
        watch(repo / "refs");
        for (const fs::path& snapshot : snapshots) {
            const std::string rev = snapshot.filename().string();
            watch(snapshot);
            if (!looks_like_nanovlm(snapshot, id, &result_.bytes_read)) {
                continue;
            }
            const bool is_main = rev == main_rev;
            const std::size_t before = result_.checkpoints.size();
            add(snapshot, CheckpointSource::HubCache,
                is_main || (main_rev.empty() && snapshots.size() == 1)
                    ? id
                    : id + "@" + rev.substr(0, 7));
            if (result_.checkpoints.size() > before) {
                CheckpointInfo& added = result_.checkpoints.back();
                added.revision = rev;
                added.main_revision = is_main;
                if (added.problem == CheckpointProblem::MissingWeights ||
                    added.problem == CheckpointProblem::DamagedWeights) {
                    added.reason += ". `huggingface-cli download " + id + "` fetches it again";
                }
            }
        }
    }

    const ScanRequest& request_;
    ScanResult result_;
    std::set<std::string> seen_;
};

} // namespace

std::string_view checkpoint_source_name(CheckpointSource source) {
    switch (source) {
    case CheckpointSource::CommandLine:
        return "command_line";
    case CheckpointSource::UserFolder:
        return "folder";
    case CheckpointSource::HubCache:
        return "hf_cache";
    case CheckpointSource::BuiltIn:
        return "built_in";
    }
    return "folder";
}

std::string_view checkpoint_problem_name(CheckpointProblem problem) {
    switch (problem) {
    case CheckpointProblem::None:
        return "";
    case CheckpointProblem::MissingWeights:
        return "missing_weights";
    case CheckpointProblem::ConfigUnreadable:
        return "config_unreadable";
    case CheckpointProblem::DamagedWeights:
        return "damaged_weights";
    case CheckpointProblem::ShapeMismatch:
        return "shape_mismatch";
    case CheckpointProblem::NoTokenizer:
        return "no_tokenizer";
    }
    return "";
}

std::string checkpoint_display_name(const std::string& directory) {
    const fs::path dir = fs::path(directory).lexically_normal();
    const fs::path clean = dir.has_filename() ? dir : dir.parent_path();
    const fs::path snapshots = clean.parent_path();
    const std::string repo = snapshots.parent_path().filename().string();
    if (snapshots.filename() == "snapshots" && repo.rfind("models--", 0) == 0) {
        return repo_id(repo);
    }
    return clean.filename().string();
}

std::string hub_cache_directory() {
    if (const std::string hub = env("HF_HUB_CACHE"); !hub.empty()) {
        return hub;
    }
    if (const std::string home = env("HF_HOME"); !home.empty()) {
        return (fs::path(home) / "hub").string();
    }
    return (fs::path(env("HOME")) / ".cache" / "huggingface" / "hub").string();
}

MemoryEstimate estimate_memory(const ModelConfig& c, std::size_t file_bytes,
                               std::size_t half_precision_elements, int context, int threads) {
    const std::size_t f = sizeof(float);
    const std::size_t ctx = std::size_t(std::max(1, context));
    const std::size_t t =
        std::size_t(threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())));
    const std::size_t h = std::size_t(c.lm_hidden_dim);
    const std::size_t kv_dim = std::size_t(c.lm_n_kv_heads) * std::size_t(c.lm_head_dim());
    const std::size_t chunk = kPrefillChunk;
    MemoryEstimate m;
    m.weights = file_bytes + half_precision_elements * f;
    m.kv_cache = 2 * std::size_t(c.lm_n_blocks) * ctx * kv_dim * f;

    // The buffers of language_model.h, vision_encoder.h and Session::State.
    const std::size_t n = std::size_t(c.vit_num_patches());
    const std::size_t d = std::size_t(c.vit_hidden_dim);
    const std::size_t p = std::size_t(c.vit_patch_size);
    const std::size_t vision = n * 3 * p * p + n * d * 5 + n * n + n * std::size_t(c.vit_inter_dim);
    const std::size_t language = ctx * std::size_t(c.lm_head_dim()) // cos, sin
                                 + chunk * (6 * h + 2 * kv_dim + 2 * std::size_t(c.lm_inter_dim)) +
                                 t * ctx + t * chunk * ctx + h;
    const std::size_t session = n * d + std::size_t(c.lm_vocab_size) + ctx; // vit_out, logits, ids
    const std::size_t tile = std::size_t(c.vit_img_size);
    const std::size_t photo = std::size_t(typical_photo_tiles(c)) * 3 * tile * tile;
    m.scratch = (vision + language + session + photo) * f;
    return m;
}

CheckpointInfo inspect_checkpoint(const std::string& directory, CheckpointSource source,
                                  int threads, std::size_t* bytes_read) {
    const fs::path dir(directory);
    CheckpointInfo info;
    info.directory = directory;
    info.name = checkpoint_display_name(directory);
    info.source = source;

    auto fail = [&](CheckpointProblem problem, const std::string& reason) {
        if (info.problem == CheckpointProblem::None) {
            info.problem = problem;
            info.reason = reason;
        }
    };

    std::optional<ModelConfig> config;
    std::string config_problem;
    const fs::path config_path = dir / "config.json";
    if (!present(config_path)) {
        config_problem = "config.json is missing in " + directory;
    } else {
        try {
            config = parse_model_config(
                read_text(config_path, kMaxConfigBytes, "config.json", bytes_read),
                config_path.string());
            info.generation = config->generation;
            info.image_tiles = typical_photo_tiles(*config);
            info.image_tokens = info.image_tiles * config->image_tokens_per_tile();
            info.context = std::clamp(kDefaultContext, 1, config->lm_max_position_embeddings);
        } catch (const Error& e) {
            config.reset();
            config_problem = std::string("config.json is unreadable: ") + e.what();
        }
    }

    std::optional<SafetensorsHeader> header;
    std::string weights_problem;
    const fs::path weights_path = dir / "model.safetensors";
    if (!is_file(weights_path) && !exists_but_is_not_regular(weights_path.string())) {
        std::error_code ec;
        fail(CheckpointProblem::MissingWeights,
             fs::is_symlink(weights_path, ec)
                 ? "model.safetensors links to a blob that was never downloaded"
                 : "model.safetensors is missing in " + directory);
    } else {
        std::error_code ec;
        info.file_bytes = std::size_t(fs::file_size(weights_path, ec));
        try {
            header = read_safetensors_header(weights_path.string(), bytes_read);
            info.parameters = count_parameters(*header);
        } catch (const Error& e) {
            weights_problem = std::string("model.safetensors is truncated or damaged: ") + e.what();
        }
    }
    if (!config_problem.empty()) {
        fail(CheckpointProblem::ConfigUnreadable, config_problem);
    }
    if (!weights_problem.empty()) {
        fail(CheckpointProblem::DamagedWeights, weights_problem);
    }
    if (!config) {
        return info;
    }
    if (header) {
        info.memory = estimate_memory(*config, info.file_bytes, half_precision_elements(*header),
                                      info.context, threads);
        try {
            check_tensors(*header, *config, weights_path.string());
        } catch (const Error& e) {
            fail(CheckpointProblem::ShapeMismatch, e.what());
        }
    }
    try {
        info.tokenizer = locate_tokenizer({}, directory, config->lm_tokenizer);
    } catch (const Error& e) {
        fail(CheckpointProblem::NoTokenizer, e.what());
    }
    return info;
}

ScanResult scan_checkpoints(const ScanRequest& request) {
    return Scanner(request).run();
}

} // namespace nanovlm
