#include "transcript_replay.h"

#include <algorithm>

namespace nanovlm::app {
namespace {

bool replayed(const ConversationTurn& turn) {
    return turn.answer.prompt_read && turn.answer.state != AnswerRecord::State::Failed;
}

std::vector<TokenId> answer_ids(const Model& model, const AnswerRecord& answer) {
    std::vector<TokenId> ids(answer.ids.begin(), answer.ids.end());
    const bool same_model = QString::fromStdString(model.directory()) == answer.model_directory;
    // An <|image|> id sampled into an answer would be read as a picture's placeholder.
    const bool has_placeholder =
        model.config().generation != Generation::V0_1 &&
        std::find(ids.begin(), ids.end(), model.image_token_id()) != ids.end();
    if (ids.empty() || !same_model || has_placeholder) {
        ids = model.tokenizer()->encode(answer.text.toStdString());
    }
    const TokenId eos = model.config().eos_token_id();
    if (ids.empty() || ids.back() != eos) {
        ids.push_back(eos);
    }
    return ids;
}

} // namespace

std::optional<Transcript> rebuild_transcript(const Model& model,
                                             const QList<ConversationTurn>& turns,
                                             const PrepareImage& prepare, bool continues) {
    const PromptBuilder builder(model);
    Transcript out;
    for (const ConversationTurn& turn : turns) {
        out.turn_starts.push_back(int(out.ids.size()));
        if (!replayed(turn)) {
            continue;
        }
        std::vector<PreprocessedImage> images;
        for (const QString& file : turn.images) {
            std::optional<PreprocessedImage> image = prepare(file, turn.answer.image_detail);
            if (!image) {
                return std::nullopt;
            }
            images.push_back(std::move(*image));
        }
        const std::vector<TokenId> question =
            builder.user_turn(turn.question.toStdString(), images, continues || !out.ids.empty());
        out.ids.insert(out.ids.end(), question.begin(), question.end());
        const std::vector<TokenId> answer = answer_ids(model, turn.answer);
        out.ids.insert(out.ids.end(), answer.begin(), answer.end());
        std::move(images.begin(), images.end(), std::back_inserter(out.images));
    }
    return out;
}

} // namespace nanovlm::app
