#include "nanovlm/prompt.h"

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/model.h"
#include "utf8.h"

namespace nanovlm {
namespace {

const Tokenizer& require_tokenizer(const Model& model) {
    if (model.tokenizer() == nullptr) {
        throw Error("no tokenizer for " + model.directory() + ": " + model.tokenizer_problem());
    }
    return *model.tokenizer();
}

std::string extra_token(const ModelConfig& config, std::string_view key) {
    for (const auto& [name, token] : config.vlm_extra_tokens) {
        if (name == key) {
            return token;
        }
    }
    return {};
}

std::string repeat(const std::string& token, int times) {
    std::string out;
    out.reserve(token.size() * std::size_t(times));
    for (int i = 0; i < times; ++i) {
        out += token;
    }
    return out;
}

} // namespace

PromptBuilder::PromptBuilder(const Model& model)
    : model_(model), tokenizer_(require_tokenizer(model)) {}

// data/processors.py get_image_string (main): per picture `<image: i>` when there are several,
// the global view, then each tile's `<row_r_col_c>`, each followed by the image placeholders; a
// 1x1 grid is only the global view.
std::string PromptBuilder::image_string(std::span<const PreprocessedImage> images) const {
    const ModelConfig& c = model_.config();
    const std::string image = extra_token(c, "image_token");
    const std::string global = extra_token(c, "global_image_token");
    const std::string run = repeat(image, c.mp_image_token_length);
    std::string out;
    for (std::size_t i = 0; i < images.size(); ++i) {
        if (images.size() > 1) {
            out.append("<image: ").append(std::to_string(i)).append(">");
        }
        const int rows = images[i].grid_rows, cols = images[i].grid_cols;
        if (!global.empty()) {
            out += global + run;
            if (rows == 1 && cols == 1) {
                continue;
            }
        }
        for (int r = 1; r <= rows; ++r) {
            for (int col = 1; col <= cols; ++col) {
                std::string key = "r";
                key.append(std::to_string(r)).append("c").append(std::to_string(col));
                const std::string tag = extra_token(c, key);
                if (tag.empty()) {
                    throw Error("the image needs a " + std::to_string(rows) + "x" +
                                std::to_string(cols) + " tile grid but the checkpoint has no " +
                                key + " token; lower the image detail");
                }
                out += tag + run;
            }
        }
    }
    return out;
}

std::string PromptBuilder::user_turn_text(std::string_view question,
                                          std::span<const PreprocessedImage> images,
                                          bool follow_up) const {
    std::size_t question_at = 0;
    return compose(question, images, follow_up, question_at);
}

std::string PromptBuilder::compose(std::string_view question,
                                   std::span<const PreprocessedImage> images, bool follow_up,
                                   std::size_t& question_at) const {
    const ModelConfig& c = model_.config();
    const std::string q(question);
    std::string before;
    switch (c.generation) {
    case Generation::V0_1:
        if (!images.empty() && follow_up) {
            throw Error("nanoVLM v0.1 checkpoints read one image, at the start of a chat; start a "
                        "new chat to ask about another image");
        }
        if (images.size() > 1) {
            throw Error("nanoVLM v0.1 checkpoints read one image per chat");
        }
        before = follow_up ? " Question: " : "Question: ";
        question_at = before.size();
        return before + q + " Answer:";
    case Generation::V0_2:
        if (images.size() > 1) {
            throw Error("nanoVLM v0.2 checkpoints read one image per question");
        }
        before =
            std::string(follow_up ? " " : "") +
            repeat(extra_token(c, "image_token"), images.empty() ? 0 : c.mp_image_token_length) +
            "Question: ";
        question_at = before.size();
        return before + q + " Answer:";
    case Generation::Main:
        break;
    }
    // The chat template renders each message as <|im_start|>{role}\n{content}<|im_end|>\n; the
    // previous answer's <|im_end|> is already in the transcript, so a follow-up adds the "\n".
    before = std::string(follow_up ? "\n" : "") + "<|im_start|>user\n" + image_string(images);
    question_at = before.size();
    return before + q + "<|im_end|>\n<|im_start|>assistant\n";
}

std::vector<TokenId> PromptBuilder::user_turn(std::string_view question,
                                              std::span<const PreprocessedImage> images,
                                              bool follow_up) const {
    // The question's offsets must hold in the text the tokenizer reads: repair it first.
    const std::string valid = utf8::to_valid_lossy(question);
    std::size_t question_at = 0;
    const std::string text = compose(valid, images, follow_up, question_at);
    return tokenizer_.encode(text, question_at, question_at + valid.size());
}

} // namespace nanovlm
