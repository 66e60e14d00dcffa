// libFuzzer target: loading an arbitrary tokenizer.json, then encoding and decoding with whatever
// loaded.

#include "nanovlm/error.h"
#include "nanovlm/tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const nanovlm::Tokenizer tokenizer =
            nanovlm::Tokenizer::from_json(text, "fuzz/tokenizer.json", {"<|image|>"});
        const auto ids = tokenizer.encode("Hello <|image|> wörld 1234 \xff!");
        for (const nanovlm::TokenId id : ids) {
            if (id < 0 || std::size_t(id) >= tokenizer.vocab_size()) {
                __builtin_trap();
            }
        }
        (void)tokenizer.decode(ids);
        (void)tokenizer.decode(ids, true);
    } catch (const nanovlm::Error&) {
    }
    return 0;
}
