#pragma once

#include "nanovlm/image.h"
#include "nanovlm/tokenizer.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nanovlm {

class Model;

// Turns a question and its pictures into the ids a checkpoint of each generation was trained on:
//   v0.1  `Question: {q} Answer:`, the image embeddings go in front of the text (first turn only)
//   v0.2  `<|image|>`x64 + `Question: {q} Answer:`
//   main  ChatML: `<|im_start|>user\n{image string}{q}<|im_end|>\n<|im_start|>assistant\n`,
//         the image string as nanoVLM's get_image_string writes it for each picture's tile grid.
// A follow-up turn continues a transcript whose last answer ended with the end-of-answer id.
class PromptBuilder {
public:
    explicit PromptBuilder(const Model& model); // throws Error when the model has no tokenizer

    // The prompt text, placeholders spelled out. user_turn() encodes the question in it as plain
    // text: a user who types <|im_end|> or <|image|> gets those characters, not those tokens.
    std::string user_turn_text(std::string_view question, std::span<const PreprocessedImage> images,
                               bool follow_up) const;
    std::vector<TokenId> user_turn(std::string_view question,
                                   std::span<const PreprocessedImage> images, bool follow_up) const;

private:
    std::string image_string(std::span<const PreprocessedImage> images) const;
    // user_turn_text, and where in it the question starts.
    std::string compose(std::string_view question, std::span<const PreprocessedImage> images,
                        bool follow_up, std::size_t& question_at) const;

    const Model& model_;
    const Tokenizer& tokenizer_;
};

} // namespace nanovlm
