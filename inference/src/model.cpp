#include "nanovlm/model.h"

#include "model_impl.h"
#include "nanovlm/error.h"

#include <algorithm>
#include <filesystem>
#include <thread>

namespace nanovlm {
namespace {

// The model reads extra token i at lm_base_vocab_size + i; the tokenizer must give it that id
// too. A base size smaller than the tokenizer's vocabulary would put <|image|> on an ordinary
// word, and the error would only show at the first question.
void check_extra_token_ids(const ModelConfig& c, const Tokenizer& tokenizer,
                           const std::string& dir) {
    const auto& extra = c.vlm_extra_tokens;
    for (std::size_t i = 0; i < extra.size(); ++i) {
        const TokenId expected = TokenId(c.lm_base_vocab_size + int(i));
        const TokenId found = tokenizer.token_to_id(extra[i].second);
        if (found != expected) {
            throw Error(dir + "/config.json: vlm_extra_tokens." + extra[i].first + " (\"" +
                        extra[i].second + "\") should be token " + std::to_string(expected) +
                        " (lm_base_vocab_size " + std::to_string(c.lm_base_vocab_size) + " + " +
                        std::to_string(i) + "), but the tokenizer " + tokenizer.source() +
                        " gives it id " + std::to_string(found) +
                        ": lm_base_vocab_size does not match the tokenizer");
        }
    }
}

} // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

std::shared_ptr<const Model> Model::load(const std::string& dir, const LoadOptions& options,
                                         const LoadProgress& progress) {
    auto report = [&](float fraction, std::string_view stage) {
        if (progress) {
            progress(fraction, stage);
        }
    };
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw Error(dir + ": not a checkpoint folder (expected a folder with config.json and "
                          "model.safetensors)");
    }
    auto impl = std::make_unique<Impl>();
    impl->directory = dir;
    report(0.0f, "reading config.json");
    impl->config = load_model_config((fs::path(dir) / "config.json").string());
    report(0.1f, "mapping model.safetensors");
    impl->store =
        std::make_unique<WeightStore>((fs::path(dir) / "model.safetensors").string(), impl->config);
    if (options.weights == WeightFormat::Int8) {
        report(0.2f, "quantizing the weights to int8");
        impl->store->quantize_int8(std::max(1, int(std::thread::hardware_concurrency())));
    } else if (options.weights == WeightFormat::Bf16) {
        report(0.2f, "converting the weights to bf16");
        impl->store->convert_bf16(std::max(1, int(std::thread::hardware_concurrency())));
    }
    impl->store->check_unchanged();
    report(0.8f, "loading the tokenizer");
    try {
        const std::string path =
            locate_tokenizer(options.tokenizer_file, dir, impl->config.lm_tokenizer);
        impl->tokenizer.emplace(Tokenizer::load(path, impl->config.extra_token_strings()));
    } catch (const Error& e) {
        if (options.require_tokenizer || !options.tokenizer_file.empty()) {
            throw;
        }
        impl->tokenizer_problem = e.what();
    }
    if (impl->tokenizer) {
        check_extra_token_ids(impl->config, *impl->tokenizer, dir);
    }
    report(1.0f, "ready");
    return std::shared_ptr<const Model>(new Model(std::move(impl)));
}

const ModelConfig& Model::config() const {
    return impl_->config;
}
const std::string& Model::directory() const {
    return impl_->directory;
}
const Tokenizer* Model::tokenizer() const {
    return impl_->tokenizer ? &*impl_->tokenizer : nullptr;
}
const std::string& Model::tokenizer_problem() const {
    return impl_->tokenizer_problem;
}

TokenId Model::extra_token_id(std::string_view key) const {
    const auto& extra = impl_->config.vlm_extra_tokens;
    for (std::size_t i = 0; i < extra.size(); ++i) {
        if (extra[i].first == key) {
            return TokenId(impl_->config.lm_base_vocab_size + int(i));
        }
    }
    return -1;
}

TokenId Model::image_token_id() const {
    return impl_->config.generation == Generation::V0_1 ? -1 : extra_token_id("image_token");
}

std::size_t Model::parameter_count() const {
    return count_parameters(impl_->store->header());
}

std::size_t Model::file_bytes() const {
    return impl_->store->file_bytes();
}
std::size_t Model::converted_bytes() const {
    return impl_->store->converted_bytes();
}
WeightFormat Model::weight_format() const {
    return impl_->store->format();
}
std::size_t Model::quantized_bytes() const {
    return impl_->store->quantized_bytes();
}
std::size_t Model::weight_memory_bytes() const {
    const WeightStore& s = *impl_->store;
    return s.file_bytes() - s.unused_map_bytes() + s.converted_bytes() + s.quantized_bytes();
}

std::string_view weight_format_name(WeightFormat format) {
    switch (format) {
    case WeightFormat::Int8:
        return "int8";
    case WeightFormat::Bf16:
        return "bf16";
    case WeightFormat::F32:
        break;
    }
    return "f32";
}

std::optional<WeightFormat> parse_weight_format(std::string_view name) {
    if (name == "f32") {
        return WeightFormat::F32;
    }
    if (name == "int8") {
        return WeightFormat::Int8;
    }
    if (name == "bf16") {
        return WeightFormat::Bf16;
    }
    return std::nullopt;
}

} // namespace nanovlm
