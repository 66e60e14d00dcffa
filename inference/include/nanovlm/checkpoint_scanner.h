#pragma once

#include "nanovlm/config.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nanovlm {

// Finds nanoVLM checkpoints on disk and checks each one cheaply: config.json and the
// safetensors header are read, the weights never are. The model picker and `nanovlm models`
// both list what this returns.

// Where a checkpoint was found.
enum class CheckpointSource {
    CommandLine, // a folder given with --model
    UserFolder,  // a folder the user added, or a checkpoint directly inside one
    HubCache,    // the Hugging Face cache: models--{org}--{name}/snapshots/{rev}
    BuiltIn,     // shipped with the program (the demo model), named by its demo.json
};

// "command_line", "folder", "hf_cache" or "built_in".
std::string_view checkpoint_source_name(CheckpointSource source);

// Why a checkpoint cannot be loaded; the first problem found, in this order.
enum class CheckpointProblem {
    None,
    MissingWeights,   // no model.safetensors (or a dangling cache link: blob not downloaded)
    ConfigUnreadable, // config.json missing, not JSON, or not a nanoVLM config
    DamagedWeights,   // the safetensors header is truncated, malformed or points past the end
    ShapeMismatch,    // a tensor is missing or has the wrong shape for the config
    NoTokenizer,      // no tokenizer.json beside it or in the cache for its lm_tokenizer
};

// "missing_weights", "config_unreadable", "damaged_weights", "shape_mismatch", "no_tokenizer".
std::string_view checkpoint_problem_name(CheckpointProblem problem);

// What a running model will need, in bytes. See estimate_memory().
struct MemoryEstimate {
    std::size_t weights = 0;  // the mapped file, plus float32 copies of F16/BF16 tensors
    std::size_t kv_cache = 0; // keys and values for every layer at the default context
    std::size_t scratch = 0;  // activations, rotary tables, logits, one photo's tiles
    std::size_t total() const { return weights + kv_cache + scratch; }
};

// A "typical photo" for image_tokens: 4032x3024, a 12-megapixel 4:3 phone picture.
inline constexpr int kTypicalPhotoWidth = 4032;
inline constexpr int kTypicalPhotoHeight = 3024;

struct CheckpointInfo {
    std::string directory; // absolute; for the cache, the snapshot folder (not resolved)
    std::string name;      // org/name in the cache (org/name@rev7 for an older snapshot),
                           // else the folder name
    CheckpointSource source = CheckpointSource::UserFolder;
    std::string revision;       // cache snapshot name, "" elsewhere
    bool main_revision = false; // the snapshot refs/main names

    CheckpointProblem problem = CheckpointProblem::None;
    std::string reason; // for a person: what is wrong and, where possible, how to fix it

    // Filled in as far as the checks got (generation once config.json parsed, parameters once
    // the header parsed, ...).
    std::optional<Generation> generation;
    std::size_t parameters = 0; // elements of every tensor but the rotary buffer
    std::size_t file_bytes = 0; // of model.safetensors
    // Image tokens one typical photo becomes at the model's own detail: one square for v0.1
    // and v0.2; for main, DynamicResize's tiles plus the global view (0 before the config).
    int image_tokens = 0;
    int image_tiles = 0;
    int context = 0; // KV-cache positions a session gets by default
    MemoryEstimate memory;
    std::string tokenizer; // the tokenizer.json the app would use, or ""

    bool usable() const { return problem == CheckpointProblem::None; }
};

struct ScanRequest {
    std::vector<std::string> command_line; // listed first, whatever they hold
    // Each is a checkpoint itself or a folder of checkpoints (one level down).
    std::vector<std::string> user_folders;
    bool include_hub_cache = true;
    // Checkpoints shipped with the program, listed last: real checkpoints come first.
    std::vector<std::string> built_in;
    int threads = 0; // for the scratch estimate; 0: every core, as a session uses by default
};

struct ScanResult {
    std::vector<CheckpointInfo> checkpoints; // command line, user folders, then the cache
    std::string hub_cache;                   // the cache folder looked in ("" if not)
    // Folders whose changes can change the result: watch them to know when to scan again.
    std::vector<std::string> watched_directories;
    std::size_t bytes_read = 0; // config.json files, safetensors headers and refs
};

// How the app names a checkpoint folder: org/name for a Hugging Face cache snapshot
// (.../models--{org}--{name}/snapshots/{rev}), else the folder's name.
std::string checkpoint_display_name(const std::string& directory);

// The Hugging Face hub cache: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub.
std::string hub_cache_directory();

// Lists and checks every checkpoint the request points at. Never throws for what it finds on
// disk (unreadable folders are skipped, broken checkpoints are listed with their problem).
// The same folder reached twice is listed once, under its first source.
ScanResult scan_checkpoints(const ScanRequest& request);

// Checks one folder; adds the bytes it reads to *bytes_read when given.
CheckpointInfo inspect_checkpoint(const std::string& directory, CheckpointSource source,
                                  int threads = 0, std::size_t* bytes_read = nullptr);

// weights: the mapped file plus float32 copies of its half-precision tensors (converted once at
// load). kv_cache: 2 (keys, values) x blocks x context x kv heads x head dim float32s. scratch:
// the session's buffers (ViT activations for one tile, a 256-position prefill chunk, attention
// scores per thread, rotary tables, logits) plus the float tiles of one typical photo.
MemoryEstimate estimate_memory(const ModelConfig& config, std::size_t file_bytes,
                               std::size_t half_precision_elements, int context, int threads);

} // namespace nanovlm
