#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nanovlm {

// The pre-tokenizers of a byte-level BPE tokenizer.json: any number of Digits steps, then
// ByteLevel (tokenizers/src/pre_tokenizers/{digits,byte_level}.rs). Each step splits every
// piece the previous step made; BPE then runs on each final piece on its own. Input is valid
// UTF-8 and pieces are never empty.
class PreTokenizer {
public:
    struct ByteLevel {
        bool add_prefix_space = true; // " " in front of every piece that does not start with one
        bool use_regex = true;        // split with the GPT-2 regex
    };

    // `digits_individual[i]` is the individual_digits flag of the i-th Digits step.
    PreTokenizer(std::vector<bool> digits_individual, ByteLevel byte_level)
        : digits_individual_(std::move(digits_individual)), byte_level_(byte_level) {}

    // Calls on_piece(std::string_view) for each piece, in order. A piece may point into
    // `scratch`, so it is valid only during the call.
    template <typename OnPiece>
    void split(std::string_view text, std::string& scratch, OnPiece&& on_piece) const {
        split_from(0, text, scratch, on_piece);
    }

    // End of the Digits piece starting at `pos`: one numeric character when `individual`,
    // else the run of characters that are all numeric or all not.
    static std::size_t digits_piece_end(std::string_view text, std::size_t pos, bool individual);

    // End of the match of the GPT-2 regex
    //   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    // that starts at `pos`. It matches at every position, so consecutive matches tile the text.
    static std::size_t gpt2_match_end(std::string_view text, std::size_t pos);

private:
    template <typename OnPiece>
    void split_from(std::size_t step, std::string_view text, std::string& scratch,
                    OnPiece& on_piece) const {
        if (step < digits_individual_.size()) {
            for (std::size_t pos = 0; pos < text.size();) {
                const std::size_t end = digits_piece_end(text, pos, digits_individual_[step]);
                split_from(step + 1, text.substr(pos, end - pos), scratch, on_piece);
                pos = end;
            }
            return;
        }
        // ByteLevel::pre_tokenize: the prefix space is added to each piece, not to the text.
        if (byte_level_.add_prefix_space && text.front() != ' ') {
            scratch.assign(1, ' ');
            scratch.append(text);
            text = scratch;
        }
        if (!byte_level_.use_regex) {
            on_piece(text);
            return;
        }
        for (std::size_t pos = 0; pos < text.size();) {
            const std::size_t end = gpt2_match_end(text, pos);
            on_piece(text.substr(pos, end - pos));
            pos = end;
        }
    }

    std::vector<bool> digits_individual_;
    ByteLevel byte_level_;
};

} // namespace nanovlm
