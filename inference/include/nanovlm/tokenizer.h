#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nanovlm {

using TokenId = std::int32_t;

// A Hugging Face byte-level BPE tokenizer (tokenizer.json), immutable after loading and safe to
// use from several threads at once. Encodes and decodes exactly as Hugging Face `tokenizers`.
class Tokenizer {
public:
    // Reads tokenizer.json. `extra_special_tokens` are appended as special tokens with the next
    // free ids, in order (nanoVLM's vlm_extra_tokens: <|image|> = 49152, ...); a token already in
    // the vocabulary keeps its id. Throws Error naming the file and what is wrong.
    static Tokenizer load(const std::string& path,
                          const std::vector<std::string>& extra_special_tokens = {});
    static Tokenizer from_json(std::string_view json_text, const std::string& source,
                               const std::vector<std::string>& extra_special_tokens = {});

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    // Bytes that are not valid UTF-8 are first replaced as String::from_utf8_lossy does (one
    // U+FFFD per ill-formed subpart), since Hugging Face only ever encodes valid text.
    std::vector<TokenId> encode(std::string_view text) const;
    // As encode(), but no added token is recognised in text[plain_begin, plain_end): what a
    // user typed there ("<|im_end|>", "<|image|>") stays plain text, and special tokens come only
    // from the rest (the chat template). `text` must be valid UTF-8.
    std::vector<TokenId> encode(std::string_view text, std::size_t plain_begin,
                                std::size_t plain_end) const;
    // Invalid UTF-8 made by byte tokens becomes U+FFFD, as in Hugging Face; ids that neither the
    // vocabulary nor the added tokens know are skipped.
    std::string decode(std::span<const TokenId> ids, bool skip_special_tokens = false) const;

    // Raw bytes of one token, as the ByteLevel decoder gives them (an ASCII special token such
    // as <|im_end|> gives its text); empty for an unknown id.
    std::string token_bytes(TokenId id) const;
    // The id of an exact token string (vocabulary or added token), or -1.
    TokenId token_to_id(std::string_view token) const;
    bool is_special(TokenId id) const;
    // One past the largest id (vocabulary plus added tokens).
    std::size_t vocab_size() const;
    const std::string& source() const;

private:
    struct Impl;
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Turns a stream of ids into text pieces without ever splitting a UTF-8 character: bytes of an
// incomplete character are held back until the character completes. The concatenation of all
// pieces plus finish() equals Tokenizer::decode of all ids.
class StreamingDecoder {
public:
    explicit StreamingDecoder(const Tokenizer& tokenizer, bool skip_special_tokens = true);
    std::string push(TokenId id);
    std::string finish();
    void reset();

private:
    const Tokenizer* tokenizer_;
    bool skip_special_;
    std::string pending_;
};

// Where tokenizer.json is looked for, in order: an explicit file; tokenizer.json in the
// checkpoint folder; the Hugging Face cache (HF_HUB_CACHE, else HF_HOME/hub, else
// ~/.cache/huggingface/hub) under models--{org}--{name}/snapshots/{rev}/tokenizer.json, the
// snapshot named by refs/main first. Throws Error listing every path tried and how to get the
// file when none exists.
std::string locate_tokenizer(const std::string& explicit_file, const std::string& model_dir,
                             const std::string& hub_name);

} // namespace nanovlm
