#include "inference_worker.h"

#include "image_loader.h"

#include <QElapsedTimer>

#include <chrono>
#include <limits>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h> // malloc_trim
#endif

namespace nanovlm::app {
namespace {

// Deltas are batched to at most one per frame: a tiny model writes thousands of tokens a second
// and one queued signal each would flood the GUI thread's event queue; a real model's 20-60
// tokens/s still arrive one by one.
constexpr qint64 kDeltaIntervalMs = 16;

QString generation_label(Generation generation) {
    return QString::fromUtf8(generation_name(generation).data(),
                             qsizetype(generation_name(generation).size()));
}

} // namespace

InferenceWorker::InferenceWorker(QObject* parent) : AnswerBackend(parent) {}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::stop(quint64 request) {
    std::lock_guard lock(stop_mutex_);
    stopped_up_to_ = std::max(stopped_up_to_, request);
    if (running_ != 0 && running_ <= stopped_up_to_) {
        cancel_.store(true);
    }
}

void InferenceWorker::stopAll() {
    stop(std::numeric_limits<quint64>::max());
}

void InferenceWorker::begin(quint64 request) {
    std::lock_guard lock(stop_mutex_);
    running_ = request;
    cancel_.store(request <= stopped_up_to_);
}

void InferenceWorker::end() {
    std::lock_guard lock(stop_mutex_);
    running_ = 0;
}

void InferenceWorker::pause_for_step() {
    const int delay = step_delay_ms_.load();
    for (int waited = 0; waited < delay && !cancel_.load(); ++waited) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void InferenceWorker::loadModel(const QString& directory, const QString& tokenizer_file) {
    // The working model stays until the new one has loaded: a folder that fails to load must
    // not leave the chat without a model. Its session (KV cache, scratch) goes first, so that
    // two models side by side cost the second one's weights only; after a failed load the next
    // question reads the conversation again, as after a switch.
    session_.reset();
    last_turn_ = {};
    session_conversation_.clear();
    turn_starts_.clear();
    try {
        LoadOptions options;
        options.tokenizer_file = tokenizer_file.toStdString();
        // The chat cannot write a word without one; say so now, not at the first question.
        options.require_tokenizer = true;
        int last_percent = -1;
        std::shared_ptr<const Model> loaded = Model::load(
            directory.toStdString(), options, [&](float fraction, std::string_view stage) {
                const int percent = int(fraction * 100.0f);
                if (percent != last_percent) { // not once per tensor
                    last_percent = percent;
                    emit modelLoadProgress(
                        fraction, QString::fromUtf8(stage.data(), qsizetype(stage.size())));
                }
            });
        model_ = std::move(loaded);
#if defined(__GLIBC__)
        // The old model's converted weights were large heap blocks, which glibc would keep for
        // reuse: a switch gives them back to the system.
        malloc_trim(0);
#endif
        const ModelConfig& config = model_->config();
        const ImageGeometry geometry = ImageGeometry::from_config(config);
        ModelSummary summary;
        summary.directory = QString::fromStdString(model_->directory());
        summary.name = QString::fromStdString(checkpoint_display_name(model_->directory()));
        summary.generation = generation_label(config.generation);
        summary.parameters = qint64(model_->parameter_count());
        summary.max_tiles_per_side =
            geometry.mode == ImageGeometry::Mode::Tiles && geometry.tile_size > 0
                ? std::max(1, geometry.max_side / geometry.tile_size)
                : 0;
        summary.geometry = geometry;
        summary.image_tokens_per_tile = config.image_tokens_per_tile();
        emit modelLoaded(summary);
    } catch (const Error& e) {
        emit modelFailed(QString::fromUtf8(e.what()));
    } catch (const std::bad_alloc&) {
        emit modelFailed(tr("Not enough memory to load %1").arg(directory));
    }
}

void InferenceWorker::resetConversation() {
    if (session_) {
        session_->reset();
    }
    last_turn_ = {};
    session_conversation_.clear();
    turn_starts_.clear();
}

int InferenceWorker::turns_held(const ChatRequest& request) const {
    if (!session_ || session_->position() == 0 || session_conversation_ != request.conversation) {
        return 0;
    }
    return std::min(int(turn_starts_.size()), std::max(0, request.unchanged_turns));
}

std::optional<Transcript> InferenceWorker::replay_history(const ChatRequest& request, int from) {
    const QList<ConversationTurn> turns = request.history.mid(from);
    int image_count = 0;
    for (const ConversationTurn& turn : turns) {
        image_count += int(turn.images.size());
    }
    int done = 0;
    return rebuild_transcript(
        *model_, turns,
        [&](const QString& file, int image_detail) -> std::optional<PreprocessedImage> {
            if (cancel_.load()) {
                return std::nullopt;
            }
            WorkProgress p;
            p.stage = WorkProgress::Stage::PreparingImages;
            p.image = done++;
            p.image_count = image_count + int(request.images.size());
            emit progress(request.id, p);
            QString error;
            const std::optional<QImage> image = read_image(file, &error);
            if (!image) {
                throw Error("a picture of an earlier question cannot be read: " +
                            error.toStdString());
            }
            ImageGeometry geometry = ImageGeometry::from_config(model_->config());
            geometry.max_tiles_per_side = image_detail; // as the turn was first read
            return preprocess_image(to_rgb_image(*image), geometry);
        },
        from > 0);
}

Session& InferenceWorker::session_for(int threads) {
    // A session's thread pool is sized at construction. A new thread count therefore applies
    // from the next chat on: rebuilding the session mid-chat would throw away its KV cache.
    const int wanted =
        threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    if (session_ && session_->position() == 0 && session_->threads() != wanted) {
        session_.reset();
    }
    if (!session_) {
        SessionOptions options;
        options.threads = threads;
        session_ = std::make_unique<Session>(model_, options);
        last_turn_ = {};
    }
    return *session_;
}

void InferenceWorker::close_previous_answer() {
    // PromptBuilder's follow-up turn continues a transcript whose last answer ended with the
    // end-of-answer id; an answer that was stopped or hit the token limit did not write it.
    if (last_turn_.answer_start >= 0 && !last_turn_.closed &&
        session_->position() < session_->max_context()) {
        session_->append_token(model_->config().eos_token_id());
    }
    last_turn_.closed = true;
}

std::vector<PreprocessedImage> InferenceWorker::prepare_images(const ChatRequest& request,
                                                               int earlier) {
    ImageGeometry geometry = ImageGeometry::from_config(model_->config());
    geometry.max_tiles_per_side = request.image_detail;
    std::vector<PreprocessedImage> images;
    images.reserve(std::size_t(request.images.size()));
    for (int i = 0; i < request.images.size(); ++i) {
        if (cancel_.load()) {
            break;
        }
        WorkProgress p;
        p.stage = WorkProgress::Stage::PreparingImages;
        p.image = earlier + i;
        p.image_count = earlier + int(request.images.size());
        emit progress(request.id, p);
        images.push_back(preprocess_image(to_rgb_image(request.images[i]), geometry));
    }
    return images;
}

void InferenceWorker::answer(const ChatRequest& request) {
    begin(request.id);
    try {
        run(request);
    } catch (const Error& e) {
        emit answerFailed(request.id, QString::fromUtf8(e.what()));
    } catch (const std::bad_alloc&) {
        emit answerFailed(request.id, tr("Out of memory. Try fewer images or a lower image "
                                         "detail in Settings."));
    }
    end();
}

void InferenceWorker::run(const ChatRequest& request) {
    AnswerResult out;
    out.request = request.id;
    if (!model_) {
        emit answerFailed(request.id, tr("No model is loaded. Choose a checkpoint folder first."));
        return;
    }
    // A caller with no chat id and no history keeps the session itself (it continues it).
    const bool tracked = !request.conversation.isEmpty() || !request.history.isEmpty();
    const int history = int(request.history.size());
    const int held = turns_held(request);
    const bool answer_again =
        request.regenerate && last_turn_.answer_start > 0 &&
        (!tracked || (held == history + 1 && int(turn_starts_.size()) == history + 1));
    // The history's turns the session keeps; the ones after are read again from `history`.
    const int keep = tracked ? std::min(held, history) : int(turn_starts_.size());
    if (tracked && !answer_again && keep == 0) {
        resetConversation();
    }
    Session& session = session_for(request.threads);

    std::vector<TokenId> prompt;
    std::vector<PreprocessedImage> images;
    std::size_t transcript_ids = 0;   // ids before the new question's (a replayed history)
    std::vector<int> replayed_starts; // where each replayed turn starts in the transcript
    int base = session.position();    // where the prompt is read
    if (answer_again) {
        // The question is in the cache: step back one position so that re-reading its last id
        // gives fresh logits, and sample a new answer from there. No image is encoded again.
        session.rewind(last_turn_.answer_start - 1);
        prompt = {last_turn_.last_prompt_id};
    } else {
        if (!tracked && request.regenerate && last_turn_.start >= 0) {
            session.rewind(last_turn_.start); // the question was stopped before it was read
        } else if (tracked && keep < int(turn_starts_.size())) {
            session.rewind(turn_starts_[std::size_t(keep)]);
            turn_starts_.resize(std::size_t(keep));
            last_turn_ = {};
        } else {
            close_previous_answer();
        }
        std::optional<Transcript> transcript;
        if (tracked && keep < history) {
            transcript = replay_history(request, keep);
        }
        if (!(tracked && keep < history) || transcript) {
            images = prepare_images(request, transcript ? int(transcript->images.size()) : 0);
        }
        if (cancel_.load()) {
            out.ending = AnswerResult::Ending::Stopped;
            emit answerFinished(out);
            return;
        }
        const bool follow_up = session.position() > 0 || (transcript && !transcript->ids.empty());
        prompt =
            PromptBuilder(*model_).user_turn(request.question.toStdString(), images, follow_up);
        if (prompt.empty()) {
            emit answerFailed(request.id, tr("The question is empty."));
            return;
        }
        base = session.position();
        if (transcript) {
            replayed_starts = transcript->turn_starts;
            // One read of the whole chat: the earlier turns' pictures come first, in order.
            transcript_ids = transcript->ids.size();
            prompt.insert(prompt.begin(), transcript->ids.begin(), transcript->ids.end());
            images.insert(images.begin(), std::make_move_iterator(transcript->images.begin()),
                          std::make_move_iterator(transcript->images.end()));
        }
        last_turn_ = {base + int(transcript_ids), -1, prompt.back(), false};
    }

    const quint64 id = request.id;
    RunControl control;
    control.cancel = &cancel_;
    control.on_progress = [&](const Progress& p) {
        if (p.stage == Progress::Stage::Generating) {
            return; // tokens speak for themselves
        }
        WorkProgress w;
        w.stage = p.stage == Progress::Stage::EncodingImage ? WorkProgress::Stage::EncodingImage
                                                            : WorkProgress::Stage::ReadingPrompt;
        w.image = p.image;
        w.image_count = p.image_count;
        w.tile = p.tile;
        w.tile_count = p.tile_count;
        w.done = p.done;
        w.total = p.total;
        emit progress(id, w);
        pause_for_step();
    };

    StreamingDecoder decoder(*model_->tokenizer(), /*skip_special_tokens=*/true);
    std::string pending;
    QElapsedTimer since_delta;
    since_delta.start();
    auto flush = [&] {
        if (!pending.empty()) {
            emit textDelta(id, QString::fromUtf8(pending.data(), qsizetype(pending.size())));
            pending.clear();
        }
        since_delta.restart();
    };
    bool context_full = false;
    const GenerationResult result =
        generate(session, prompt, images, request.generation, control, [&](TokenId token) {
            pending += decoder.push(token);
            if (since_delta.elapsed() >= kDeltaIntervalMs) {
                flush();
            }
            pause_for_step();
            // generate() reads this id back after we return; stop once that fills the context
            // rather than sample on from stale logits.
            if (session.position() + 1 >= session.max_context()) {
                context_full = true;
                return false;
            }
            return true;
        });
    pending += decoder.finish();
    flush();

    if (!answer_again && result.prompt_tokens > 0) {
        // v0.1 reads the pictures before the ids: positions beyond the ids' count.
        const int image_positions = result.prompt_tokens - int(prompt.size());
        last_turn_.answer_start = base + result.prompt_tokens;
        last_turn_.start = last_turn_.answer_start - int(prompt.size() - transcript_ids);
        for (const int start : replayed_starts) {
            turn_starts_.push_back(start == 0 ? base : base + image_positions + start);
        }
        turn_starts_.push_back(last_turn_.start);
    }
    if (session.position() > 0) {
        session_conversation_ = request.conversation;
    } else {
        session_conversation_.clear();
        turn_starts_.clear();
    }
    if (answer_again && session.position() < last_turn_.answer_start) {
        // Stopped before the question's last id was read again: put it back, so that the
        // transcript a follow-up continues is whole.
        const TokenId last = last_turn_.last_prompt_id;
        session.append({&last, 1});
    }
    last_turn_.closed = result.reached_eos;

    out.ending = result.reached_eos ? AnswerResult::Ending::EndOfAnswer
                 : result.cancelled ? AnswerResult::Ending::Stopped
                 : context_full     ? AnswerResult::Ending::ContextFull
                                    : AnswerResult::Ending::Length;
    out.ids = QList<qint32>(result.ids.begin(), result.ids.end());
    out.ttft_ms = result.ids.empty() ? -1.0 : result.ttft_ms;
    out.tokens_per_s = result.decode_tokens_per_s();
    out.prompt_tokens = result.prompt_tokens;
    out.image_tokens = result.image_tokens;
    out.context_used = session.position();
    out.context_size = session.max_context();
    out.vision_tiles_encoded = session.vision_tiles_encoded();
    emit answerFinished(out);
}

} // namespace nanovlm::app
