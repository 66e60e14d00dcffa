#pragma once

#include "added_tokens.h"
#include "bpe.h"
#include "pre_tokenizer.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nanovlm {

// What a tokenizer.json says, checked to be a byte-level BPE tokenizer this engine reproduces
// exactly: BPE model, optional Digits then ByteLevel pre-tokenizer, ByteLevel decoder, no
// normalizer, no post-processor that adds tokens.
struct TokenizerSpec {
    std::vector<std::pair<std::string, TokenId>> vocab;
    std::vector<std::pair<std::string, std::string>> merges; // in rank order
    BpeModel::Options bpe_options;
    std::vector<AddedToken> added_tokens; // in file order
    std::vector<bool> digits_individual;  // one entry per Digits pre-tokenizer
    PreTokenizer::ByteLevel byte_level;
};

// Throws Error naming `source` when the text is not JSON, a field has the wrong type, or the
// file uses a component or option that is not supported (naming it).
TokenizerSpec parse_tokenizer_json(std::string_view json_text, const std::string& source);

} // namespace nanovlm
