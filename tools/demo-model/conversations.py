"""Chats for the demo model: several questions about one picture, sometimes a second picture later.

The app sends a chat to the model as one growing transcript (app/inference_worker.cpp, built by
inference/src/prompt.cpp's PromptBuilder::user_turn):

    <|im_start|>user\\n{image}{q1}<|im_end|>\\n<|im_start|>assistant\\n{a1}<|im_end|>
    \\n<|im_start|>user\\n{q2}<|im_end|>\\n<|im_start|>assistant\\n{a2}<|im_end|>
    \\n<|im_start|>user\\n{image}{q3}<|im_end|>\\n<|im_start|>assistant\\n...

A picture is placed in the user turn it was sent with (its image string before the question),
and every answer ends with <|im_end|>, which the engine keeps in the transcript. A question
after a second picture is about that newer picture: it is the one the user is looking at.
"""

import random
from dataclasses import dataclass, field

import scenes


@dataclass
class Turn:
    question: scenes.Question
    scene: object = None  # a scenes.Scene sent with this question, or None (a follow-up)


@dataclass
class Conversation:
    turns: list = field(default_factory=list)

    def scenes(self):
        return [t.scene for t in self.turns if t.scene is not None]


def make_conversation(rng: random.Random, new_scene, new_question, second_picture: float,
                      turns=None):
    """2-4 turns about one scene; with probability `second_picture` a second scene arrives with
    one of the later turns and the questions from there on are about it. `new_scene(rng)` and
    `new_question(rng, scene, turn_index)` pick the data (training's mix or the held-out one)."""
    n = rng.randint(2, 4) if turns is None else turns
    switch = rng.randint(1, n - 1) if rng.random() < second_picture else None
    scene = new_scene(rng)
    conv = Conversation()
    for i in range(n):
        sent = None
        if i == 0:
            sent = scene
        elif i == switch:
            scene = sent = new_scene(rng)
        conv.turns.append(Turn(new_question(rng, scene, i), sent))
    return conv


def training_conversation(rng: random.Random, not_first: float, second_picture: float,
                          kind_weights=scenes.TRAINING_KIND_WEIGHTS):
    return make_conversation(rng, scenes.training_scene,
                             lambda r, s, i: scenes.training_question(r, s, not_first, kind_weights),
                             second_picture)


def held_out_conversations(seed: int, count: int):
    """Held-out chats: make_scene's scenes and ask's questions, the five kinds in turn over all
    turns; every third chat gets a second picture."""
    rng = random.Random(seed)
    out, k = [], 0
    for c in range(count):
        def question(r, s, i):
            nonlocal k
            q = scenes.ask(r, s, scenes.KINDS[k % len(scenes.KINDS)])
            k += 1
            return q
        out.append(make_conversation(rng, scenes.make_scene, question,
                                     1.0 if c % 3 == 2 else 0.0))
    return out


def follow_up_texts(question, image_string):
    """The text of a later user turn, with or without a picture sent with it."""
    tail = f"{question}<|im_end|>\n<|im_start|>assistant\n"
    return (f"\n<|im_start|>user\n{tail}", f"\n<|im_start|>user\n{image_string}{tail}")
