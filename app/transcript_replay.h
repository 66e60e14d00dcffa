#pragma once

#include "conversation.h"

#include "nanovlm/nanovlm.h"

#include <functional>
#include <optional>
#include <vector>

namespace nanovlm::app {

// The earlier turns of a chat as the ids and pictures a live Session would hold after them, for
// a worker that has no session for the chat (reopened from disk, or the model was switched):
// each turn's question as PromptBuilder writes it (a follow-up after the first), its answer's
// ids, and the end-of-answer id where the answer did not write one (as the worker closes a
// stopped answer before the next question).
//
// An answer's own sampled ids are used when the same checkpoint wrote them, so the rebuilt
// transcript is exactly the live one; otherwise (another model, or no ids were recorded) its
// text is tokenized. Turns whose question was never read are skipped, as the live session
// skipped them.
struct Transcript {
    std::vector<TokenId> ids;
    std::vector<PreprocessedImage> images; // in the order their placeholders appear
    // Where each of the given turns starts in `ids` (a skipped turn: where the next one does).
    std::vector<int> turn_starts;
};

// Decodes and preprocesses one of the chat's picture files at the image detail its turn was
// answered with (ImageGeometry::max_tiles_per_side); nullopt when the run was stopped. Throws
// Error when the file cannot be read.
using PrepareImage =
    std::function<std::optional<PreprocessedImage>(const QString& file, int image_detail)>;

// nullopt when `prepare` was stopped. `continues`: the turns follow earlier ones the session
// already holds (their first question is then written as a follow-up).
std::optional<Transcript> rebuild_transcript(const Model& model,
                                             const QList<ConversationTurn>& turns,
                                             const PrepareImage& prepare, bool continues = false);

} // namespace nanovlm::app
