"""Held-out fixtures and example pictures for the demo model (called by train.py)."""

import json
import os

import scenes

EXAMPLE_COUNT = 5


def write_fixtures(out_dir, cases, ids, texts, tokens):
    """tests/fixtures/demo: one PNG per scene and cases.json with, for each, the question, the
    expected answer and this PyTorch model's greedy ids and text."""
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for i, ((scene, q), out_ids, text) in enumerate(zip(cases, ids, texts)):
        name = f"scene_{i:02d}.png"
        scene.image.save(os.path.join(out_dir, name), optimize=True)
        rows.append({"image": name, "kind": q.kind, "question": q.text, "answer": q.answer,
                     "names_a_later_shape": scenes.names_a_later_shape(scene, q),
                     "prompt_ids": tokens.prompt[q.text], "pytorch_ids": out_ids,
                     "pytorch_text": text})
    with open(os.path.join(out_dir, "cases.json"), "w") as f:
        json.dump(rows, f, indent=1)
        f.write("\n")


def example_questions(scene):
    # The colour question names the last shape, which the first-shape shortcut would get wrong.
    items = scene.items
    first, last = items[0], items[-1]
    out = [(f"What color is the {last.shape}?", last.colour),
           (f"How many {scenes.plural(first.shape)} are there?",
            scenes.NUMBER_WORDS[sum(it.shape == first.shape for it in items)]),
           (f"What shape is at the {scenes.POSITIONS[first.cell]}?", first.shape),
           ("Describe the picture.", scenes.describe(items))]
    return out


def write_examples(model_dir, model, tokens, rng, size):
    """resources/demo-model/examples: scenes of 2 to 4 different shapes, with the questions the
    UI can suggest, their true answers and what the model answers. These are showcase pictures:
    the first seeded scenes on which the model answers all four questions right (examples.json
    records how many scenes were passed over; the held-out fixtures measure accuracy)."""
    from train import EOS_ID, IMAGE_TOKEN_ID, pixels_of

    out_dir = os.path.join(model_dir, "examples")
    os.makedirs(out_dir, exist_ok=True)
    listing, passed_over = [], 0
    while len(listing) < EXAMPLE_COUNT and passed_over < 200:
        scene = scenes.make_scene(rng)
        shapes = [it.shape for it in scene.items]
        if len(shapes) < 2 or len(set(shapes)) != len(shapes):
            continue
        questions = []
        for q, a in example_questions(scene):
            out = model.greedy(tokens.prompt[q], pixels_of(scene.image, size).unsqueeze(0),
                               IMAGE_TOKEN_ID, EOS_ID, max_new_tokens=40)
            questions.append({"question": q, "answer": a, "model_answer": tokens.decode([out])[0]})
        if any(q["answer"] != q["model_answer"] for q in questions):
            passed_over += 1
            continue
        name = f"shapes_{len(listing) + 1}.png"
        scene.image.save(os.path.join(out_dir, name), optimize=True)
        listing.append({"image": name, "questions": questions})
    with open(os.path.join(out_dir, "examples.json"), "w") as f:
        json.dump({"passed_over": passed_over, "examples": listing}, f, indent=1)
        f.write("\n")


def write_chat_fixtures(out_dir, chats, results):
    """tests/fixtures/demo/chats.json and chat_NN_P.png: held-out chats, each turn with its
    question, the true answer, the picture sent with it (if any), its prompt ids as the app's
    PromptBuilder::user_turn makes them and the PyTorch model's greedy ids and text, the
    model's own earlier answers in the transcript."""
    rows = []
    for n, (conv, (prompts, ids, texts)) in enumerate(zip(chats, results)):
        turns, pictures = [], 0
        for turn, prompt, out_ids, text in zip(conv.turns, prompts, ids, texts):
            row = {"question": turn.question.text, "kind": turn.question.kind,
                   "answer": turn.question.answer}
            if turn.scene is not None:
                name = f"chat_{n:02d}_{pictures}.png"
                turn.scene.image.save(os.path.join(out_dir, name), optimize=True)
                row["image"] = name
                pictures += 1
            row.update({"prompt_ids": prompt, "pytorch_ids": out_ids, "pytorch_text": text})
            turns.append(row)
        rows.append({"turns": turns})
    with open(os.path.join(out_dir, "chats.json"), "w") as f:
        json.dump(rows, f, indent=1)
        f.write("\n")
