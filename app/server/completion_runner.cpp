#include "completion_runner.h"

#include "stop_matcher.h"

#include <atomic>

namespace nanovlm::server {

CompletionRun run_completion(const Model& model, Session& session, const ChatPrompt& prompt,
                             const ChatCompletionRequest& request,
                             const std::function<bool(const std::string&)>& on_text,
                             const std::function<bool()>& gone) {
    std::atomic<bool> cancel{false};
    RunControl control;
    control.cancel = &cancel;
    control.on_progress = [&](const Progress&) {
        if (gone()) {
            cancel.store(true);
        }
    };
    StreamingDecoder decoder(*model.tokenizer(), /*skip_special_tokens=*/true);
    StopMatcher stop(request.stop);
    bool delivered = true;
    auto deliver = [&](const std::string& text) {
        if (!text.empty() && delivered) {
            delivered = on_text(text);
        }
    };
    const GenerationResult result =
        generate(session, prompt.ids, prompt.images, request.generation, control, [&](TokenId id) {
            deliver(stop.push(decoder.push(id)));
            if (!delivered || gone()) {
                cancel.store(true);
                return false;
            }
            // generate() reads this id back after we return; stop before that overfills the
            // context rather than sample on from stale logits.
            return !stop.stopped() && session.position() + 1 < session.max_context();
        });
    if (!cancel.load()) {
        deliver(stop.push(decoder.finish()));
        deliver(stop.finish());
    }
    CompletionRun out;
    out.ids = result.ids;
    out.prompt_tokens = result.prompt_tokens;
    out.cancelled = cancel.load() || result.cancelled;
    out.finish_reason = result.reached_eos || stop.stopped() ? "stop" : "length";
    return out;
}

} // namespace nanovlm::server
