#pragma once

// The values that cross between the GUI thread and the InferenceWorker thread. They are plain
// copyable structs: queued signals copy them, so neither side ever touches the other's objects.

#include "conversation.h"

#include "nanovlm/generation.h"
#include "nanovlm/image.h"

#include <QImage>
#include <QList>
#include <QMetaType>
#include <QString>

#include <limits>

namespace nanovlm::app {

// One question for the worker. Images arrive decoded (RGB888, decoded once by
// AttachmentModel); the worker turns them into the checkpoint's tiles.
struct ChatRequest {
    quint64 id = 0;
    QString question;
    QList<QImage> images;
    // Answer the last question again (after Session::rewind) instead of asking a new one; the
    // question and images are still sent in case the last question was never fully read.
    bool regenerate = false;
    GenerationOptions generation;
    int threads = 0;      // threads for a new Session; 0: every core
    int image_detail = 0; // ImageGeometry::max_tiles_per_side; 0: the model's own choice
    // The chat this question belongs to and its turns before this one. When the worker's
    // session does not hold exactly those turns of that chat (a reopened chat, a new model), it
    // rebuilds them from here (transcript_replay.h); an empty history continues the session.
    QString conversation;
    QList<ConversationTurn> history;
    // How many of the chat's first turns are still as the worker's session last read them: a
    // question edited or another version shown at turn i leaves i. The worker rewinds its
    // session to there and reads the rest of `history` again (only when `conversation` is set).
    int unchanged_turns = std::numeric_limits<int>::max();
};

// Where the worker is while no token has come yet.
struct WorkProgress {
    // WaitingForServer: a server answers, and tells nothing until its first token.
    enum class Stage { PreparingImages, EncodingImage, ReadingPrompt, WaitingForServer };
    Stage stage = Stage::PreparingImages;
    int image = 0; // 0-based
    int image_count = 0;
    int tile = 0; // tiles done of tile_count
    int tile_count = 0;
    int done = 0; // prompt positions read of total
    int total = 0;
};

// How an answer ended and what it cost.
struct AnswerResult {
    enum class Ending {
        EndOfAnswer, // the model wrote its end-of-answer token
        Length,      // max_new_tokens reached
        Stopped,     // the user stopped it
        ContextFull, // the conversation filled the session's context
    };
    quint64 request = 0;
    Ending ending = Ending::EndOfAnswer;
    QList<qint32> ids;    // every sampled id, the end-of-answer id included
    int token_count = -1; // tokens written when the ids are not known (a server's usage count)
    double ttft_ms = -1;
    double tokens_per_s = 0;
    int prompt_tokens = 0;
    int image_tokens = 0;
    int context_used = 0; // session positions after the answer
    int context_size = 0;
    int vision_tiles_encoded = 0; // by this conversation's session since it was created
};

// What the GUI shows about the loaded checkpoint.
struct ModelSummary {
    QString directory;
    QString name;       // folder name
    QString server;     // the server's base URL when a server answers; "" for a checkpoint
    QString generation; // "v0.1", "v0.2", "main"
    qint64 parameters = 0;
    // Tiles per image side at the model's own detail (Tiles mode); 0 for one-square checkpoints.
    int max_tiles_per_side = 0;
    // How it cuts a picture into tiles, and the image tokens each tile becomes.
    ImageGeometry geometry;
    int image_tokens_per_tile = 0;
};

} // namespace nanovlm::app

Q_DECLARE_METATYPE(nanovlm::app::ChatRequest)
Q_DECLARE_METATYPE(nanovlm::app::WorkProgress)
Q_DECLARE_METATYPE(nanovlm::app::AnswerResult)
Q_DECLARE_METATYPE(nanovlm::app::ModelSummary)
