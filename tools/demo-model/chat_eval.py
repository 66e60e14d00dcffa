"""Multi-turn accuracy of the demo model, answering a chat as the app does (called by train.py).

Each turn's prompt continues the transcript of the model's own earlier answers (not the true
ones), with every picture sent so far; an answer that hit the token limit is closed with
<|im_end|>, as InferenceWorker::close_previous_answer does. Every turn is scored.
"""

import torch

import scenes


def run_chat(model, tokens, conv, size, pixels_of, eos_id, image_token_id):
    """The model's greedy ids for each turn, and each turn's prompt ids."""
    transcript, pictures, prompts, answers = [], [], [], []
    for i, turn in enumerate(conv.turns):
        if turn.scene is not None:
            pictures.append(pixels_of(turn.scene.image, size))
        prompt = tokens.turn_prompt(turn, i)
        out = model.greedy(transcript + prompt, torch.stack(pictures), image_token_id, eos_id,
                           max_new_tokens=40)
        prompts.append(prompt)
        answers.append(out)
        transcript += prompt + out + ([] if out and out[-1] == eos_id else [eos_id])
    return prompts, answers


def evaluate_chats(model, tokens, chats, size, pixels_of, eos_id, image_token_id):
    """Per chat: (prompts, answer ids, answer texts); and the share of turns answered right."""
    runs = [run_chat(model, tokens, c, size, pixels_of, eos_id, image_token_id) for c in chats]
    texts = tokens.decode([ids for _, answers in runs for ids in answers])
    out, k, right, total = [], 0, 0, 0
    for conv, (prompts, answers) in zip(chats, runs):
        chat_texts = texts[k : k + len(answers)]
        k += len(answers)
        out.append((prompts, answers, chat_texts))
        for turn, t in zip(conv.turns, chat_texts):
            right += t == turn.question.answer
            total += 1
    return out, right / total


def chat_report(chats, results):
    """Turns right by position in the chat, after a second picture, and by question kind."""
    by_turn, after_second, by_kind = {}, [], {k: [] for k in scenes.KINDS}
    for conv, (_, _, texts) in zip(chats, results):
        pictures = 0
        for i, (turn, t) in enumerate(zip(conv.turns, texts)):
            pictures += turn.scene is not None
            ok = t == turn.question.answer
            by_turn.setdefault(i + 1, []).append(ok)
            by_kind[turn.question.kind].append(ok)
            if pictures == 2:
                after_second.append(ok)
    parts = [f"turn {i} {sum(v)}/{len(v)}" for i, v in sorted(by_turn.items())]
    parts.append(f"about a second picture {sum(after_second)}/{len(after_second)}")
    parts += [f"{k} {sum(v)}/{len(v)}" for k, v in by_kind.items()]
    return ", ".join(parts)
