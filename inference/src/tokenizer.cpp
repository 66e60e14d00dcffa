#include "nanovlm/tokenizer.h"

#include "added_tokens.h"
#include "bpe.h"
#include "byte_level.h"
#include "nanovlm/error.h"
#include "pre_tokenizer.h"
#include "regular_file.h"
#include "tokenizer_json.h"
#include "utf8.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace nanovlm {

// The pipeline of TokenizerImpl::encode_single_sequence (tokenizers/src/tokenizer/mod.rs):
// added tokens are cut out of the text first, the rest is pre-tokenized, and BPE encodes each
// piece. Decoding maps each token to bytes and converts them to text once, at the end.
struct Tokenizer::Impl {
    Impl(TokenizerSpec spec, std::string source_name,
         const std::vector<std::string>& extra_special_tokens)
        : source(std::move(source_name)),
          model(spec.vocab, spec.merges, std::move(spec.bpe_options), source),
          pre_tokenizer(std::move(spec.digits_individual), spec.byte_level) {
        added.add_tokens(spec.added_tokens, model);
        // Tokenizer::add_special_tokens, as nanoVLM calls it: AddedToken::from(content, true).
        std::vector<AddedToken> extras;
        for (const std::string& content : extra_special_tokens) {
            extras.push_back({content, false, false, false, false, true});
        }
        added.add_tokens(extras, model);

        // Tokenizer::decode asks the added vocabulary first, then the model; ids neither knows
        // decode to nothing. Every token, added ones included, goes through the ByteLevel
        // decoder, so the bytes of each id can be worked out once here.
        const TokenId max_id = std::max(model.max_id(), added.max_id());
        bytes_offset.reserve(static_cast<std::size_t>(max_id) + 2);
        special.assign(static_cast<std::size_t>(max_id) + 1, false);
        for (TokenId id = 0; id <= max_id; ++id) {
            bytes_offset.push_back(static_cast<std::uint32_t>(bytes.size()));
            std::optional<std::string_view> text;
            if (const AddedToken* token = added.token(id)) {
                text = token->content;
                special[static_cast<std::size_t>(id)] = added.is_special(token->content);
            } else {
                text = model.id_to_token(id);
            }
            if (text) {
                byte_level::append_token_bytes(*text, bytes);
            }
        }
        bytes_offset.push_back(static_cast<std::uint32_t>(bytes.size()));
    }

    std::string_view token_bytes(TokenId id) const {
        if (id < 0 || static_cast<std::size_t>(id) >= special.size()) {
            return {};
        }
        const auto i = static_cast<std::size_t>(id);
        return std::string_view(bytes).substr(bytes_offset[i],
                                              bytes_offset[i + 1] - bytes_offset[i]);
    }

    bool is_special(TokenId id) const {
        return id >= 0 && static_cast<std::size_t>(id) < special.size() &&
               special[static_cast<std::size_t>(id)];
    }

    std::string source;
    BpeModel model;
    AddedVocabulary added;
    PreTokenizer pre_tokenizer;
    std::string bytes;                       // decoded bytes of all ids, back to back
    std::vector<std::uint32_t> bytes_offset; // id -> start in `bytes`; one extra end entry
    std::vector<bool> special;               // id -> skipped by skip_special_tokens
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::load(const std::string& path,
                          const std::vector<std::string>& extra_special_tokens) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw Error(path + ": tokenizer file not found");
    }
    return from_json(read_regular_file(path, kMaxTokenizerBytes, "tokenizer file"), path,
                     extra_special_tokens);
}

Tokenizer Tokenizer::from_json(std::string_view json_text, const std::string& source,
                               const std::vector<std::string>& extra_special_tokens) {
    return Tokenizer(std::make_unique<Impl>(parse_tokenizer_json(json_text, source), source,
                                            extra_special_tokens));
}

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
    // Rust strings are valid UTF-8; a caller with other bytes would have gone through
    // String::from_utf8_lossy, so do the same.
    std::string repaired;
    if (!utf8::is_valid(text)) {
        repaired = utf8::to_valid_lossy(text);
        text = repaired;
    }
    return encode(text, 0, 0);
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, std::size_t plain_begin,
                                       std::size_t plain_end) const {
    std::vector<TokenId> ids;
    ids.reserve(text.size() / 3 + 1);
    std::vector<AddedVocabulary::Segment> found;
    std::string prefixed;
    BpeModel::Scratch scratch;
    impl_->added.split(text, found);
    // A match touching the plain range becomes text again, joined with the text around it, so
    // that the pre-tokenizer sees the run as if the token did not exist.
    std::vector<AddedVocabulary::Segment> segments;
    for (AddedVocabulary::Segment s : found) {
        if (s.id >= 0 && s.begin < plain_end && s.end > plain_begin) {
            s.id = -1;
        }
        if (s.id < 0 && !segments.empty() && segments.back().id < 0) {
            segments.back().end = s.end;
        } else {
            segments.push_back(s);
        }
    }
    for (const auto& segment : segments) {
        if (segment.id >= 0) {
            ids.push_back(segment.id);
            continue;
        }
        impl_->pre_tokenizer.split(
            text.substr(segment.begin, segment.end - segment.begin), prefixed,
            [&](std::string_view piece) { impl_->model.encode_piece(piece, scratch, ids); });
    }
    return ids;
}

std::string Tokenizer::decode(std::span<const TokenId> ids, bool skip_special_tokens) const {
    std::string bytes;
    for (const TokenId id : ids) {
        if (!(skip_special_tokens && impl_->is_special(id))) {
            bytes += impl_->token_bytes(id);
        }
    }
    return utf8::to_valid_lossy(bytes);
}

std::string Tokenizer::token_bytes(TokenId id) const {
    return std::string(impl_->token_bytes(id));
}

TokenId Tokenizer::token_to_id(std::string_view token) const {
    if (const auto id = impl_->added.find(token)) {
        return *id;
    }
    return impl_->model.token_to_id(token).value_or(-1);
}

bool Tokenizer::is_special(TokenId id) const {
    return impl_->is_special(id);
}

std::size_t Tokenizer::vocab_size() const {
    return impl_->special.size();
}

const std::string& Tokenizer::source() const {
    return impl_->source;
}

StreamingDecoder::StreamingDecoder(const Tokenizer& tokenizer, bool skip_special_tokens)
    : tokenizer_(&tokenizer), skip_special_(skip_special_tokens) {}

// Holding back only a truncated final sequence keeps the pieces identical to one decode of
// everything: from_utf8_lossy decides each character from its own bytes, so text before a
// complete (or already invalid) sequence never changes when more bytes arrive.
std::string StreamingDecoder::push(TokenId id) {
    if (skip_special_ && tokenizer_->is_special(id)) {
        return {};
    }
    pending_ += tokenizer_->token_bytes(id);
    const std::size_t ready = pending_.size() - utf8::incomplete_tail_length(pending_);
    std::string text = utf8::to_valid_lossy(std::string_view(pending_).substr(0, ready));
    pending_.erase(0, ready);
    return text;
}

std::string StreamingDecoder::finish() {
    std::string text = utf8::to_valid_lossy(pending_);
    pending_.clear();
    return text;
}

void StreamingDecoder::reset() {
    pending_.clear();
}

} // namespace nanovlm
