#pragma once

#include "nanovlm/model.h"
#include "weights.h"

#include <memory>
#include <optional>

namespace nanovlm {

struct Model::Impl {
    ModelConfig config;
    std::string directory;
    std::unique_ptr<WeightStore> store;
    std::optional<Tokenizer> tokenizer;
    std::string tokenizer_problem;
};

} // namespace nanovlm
