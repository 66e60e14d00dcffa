// libFuzzer target: the real SmolLM2 tokenizer on arbitrary bytes. Checks what must hold for any
// input: ids inside the vocabulary; what decoding gives back encodes to itself again (the
// tokenizer drops what Hugging Face's drops, such as U+001D, but never changes text twice); the
// streaming decoder's pieces add up to the whole decode.

#include "nanovlm/tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

const nanovlm::Tokenizer& smollm2() {
    static const nanovlm::Tokenizer tokenizer =
        nanovlm::Tokenizer::load(std::string(NANOVLM_FIXTURES) + "/tokenizer/tokenizer.json",
                                 {"<|image|>", "<|global_image|>"});
    return tokenizer;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const nanovlm::Tokenizer& tokenizer = smollm2();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto ids = tokenizer.encode(text);
    for (const nanovlm::TokenId id : ids) {
        if (id < 0 || std::size_t(id) >= tokenizer.vocab_size()) {
            __builtin_trap();
        }
    }
    const std::string decoded = tokenizer.decode(ids);
    if (tokenizer.decode(tokenizer.encode(decoded)) != decoded) {
        __builtin_trap();
    }
    nanovlm::StreamingDecoder stream(tokenizer, false);
    std::string streamed;
    for (const nanovlm::TokenId id : ids) {
        streamed += stream.push(id);
    }
    streamed += stream.finish();
    if (streamed != decoded) {
        __builtin_trap();
    }
    return 0;
}
