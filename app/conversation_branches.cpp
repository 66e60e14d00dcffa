#include "conversation_branches.h"

#include <algorithm>
#include <utility>

namespace nanovlm::app {
namespace {

bool valid(const QList<ConversationTurn>& turns, int turn) {
    return turn >= 0 && turn < turns.size();
}

// Cuts turns[turn..] off as a branch.
ConversationBranch cut(QList<ConversationTurn>& turns, int turn) {
    ConversationBranch branch{turns.mid(turn)};
    turns.remove(turn, turns.size() - turn);
    return branch;
}

// All versions in their order: the kept ones with the shown one at its place.
std::vector<ConversationBranch> all_versions(std::vector<ConversationBranch> kept, int shown_at,
                                             ConversationBranch shown) {
    const auto at = std::min<std::size_t>(std::size_t(std::max(0, shown_at)), kept.size());
    kept.insert(kept.begin() + std::ptrdiff_t(at), std::move(shown));
    return kept;
}

} // namespace

bool add_question_version(QList<ConversationTurn>& turns, int turn, ConversationTurn edited) {
    if (!valid(turns, turn)) {
        return false;
    }
    std::vector<ConversationBranch> kept = std::exchange(turns[turn].question_versions, {});
    const int shown_at = turns[turn].question_version;
    turns[turn].question_version = 0;
    edited.question_versions = all_versions(std::move(kept), shown_at, cut(turns, turn));
    edited.question_version = int(edited.question_versions.size());
    edited.answer_versions.clear();
    edited.answer_version = 0;
    edited.answer = {};
    turns.push_back(std::move(edited));
    return true;
}

bool add_answer_version(QList<ConversationTurn>& turns, int turn) {
    if (!valid(turns, turn)) {
        return false;
    }
    ConversationTurn& old = turns[turn];
    ConversationTurn fresh;
    fresh.question = old.question;
    fresh.images = old.images;
    fresh.asked = old.asked;
    // The question's own versions stay with the question, whichever answer is shown.
    fresh.question_versions = std::exchange(old.question_versions, {});
    fresh.question_version = std::exchange(old.question_version, 0);
    std::vector<ConversationBranch> kept = std::exchange(old.answer_versions, {});
    const int shown_at = std::exchange(old.answer_version, 0);
    fresh.answer_versions = all_versions(std::move(kept), shown_at, cut(turns, turn));
    fresh.answer_version = int(fresh.answer_versions.size());
    turns.push_back(std::move(fresh));
    return true;
}

bool show_version(QList<ConversationTurn>& turns, int turn, VersionKind kind, int index) {
    if (!valid(turns, turn)) {
        return false;
    }
    ConversationTurn& t = turns[turn];
    const bool question = kind == VersionKind::Question;
    const int count = question ? t.questionVersionCount() : t.answerVersionCount();
    const int current = question ? t.question_version : t.answer_version;
    if (index < 0 || index >= count) {
        return false;
    }
    if (index == current) {
        return true;
    }
    std::vector<ConversationBranch> kept =
        std::exchange(question ? t.question_versions : t.answer_versions, {});
    (question ? t.question_version : t.answer_version) = 0;
    std::vector<ConversationBranch> carried_questions;
    int carried_question_version = 0;
    if (!question) {
        carried_questions = std::exchange(t.question_versions, {});
        carried_question_version = std::exchange(t.question_version, 0);
    }
    std::vector<ConversationBranch> all = all_versions(std::move(kept), current, cut(turns, turn));
    ConversationBranch chosen = std::move(all[std::size_t(index)]);
    all.erase(all.begin() + index);
    turns.append(std::move(chosen.turns));
    ConversationTurn& now = turns[turn];
    if (question) {
        now.question_versions = std::move(all);
        now.question_version = index;
    } else {
        now.answer_versions = std::move(all);
        now.answer_version = index;
        now.question_versions = std::move(carried_questions);
        now.question_version = carried_question_version;
    }
    return true;
}

} // namespace nanovlm::app
