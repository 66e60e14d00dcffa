"""Synthetic shape scenes and questions about them, for the demo model.

A scene is a 2x2 grid of cells (top left, top right, bottom left, bottom right); 1 to 4 of
them hold a shape (circle, square, triangle, star, diamond) in one of 8 colours, of a random
size and offset inside its cell, on one of 4 light backgrounds. Everything comes from the
random.Random passed in, so a seed gives the same scenes on every machine.

Scenes are drawn at RENDER_SIZE (what a person sees in the chat) and the model reads them
resized to the ViT's tile, exactly as our engine and nanoVLM's DynamicResize do (Pillow
BICUBIC); see train.py.
"""

import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

RENDER_SIZE = 256

SHAPES = ["circle", "square", "triangle", "star", "diamond"]
COLOURS = {
    "red": (220, 40, 40),
    "orange": (245, 140, 20),
    "yellow": (240, 210, 30),
    "green": (40, 165, 60),
    "blue": (40, 90, 220),
    "purple": (140, 60, 190),
    "pink": (245, 120, 185),
    "black": (30, 30, 30),
}
BACKGROUNDS = [(255, 255, 255), (226, 226, 226), (250, 243, 225), (224, 237, 250)]
POSITIONS = ["top left", "top right", "bottom left", "bottom right"]
NUMBER_WORDS = ["0", "1", "2", "3", "4"]


@dataclass
class Item:
    shape: str
    colour: str
    cell: int  # index into POSITIONS


@dataclass
class Scene:
    items: list  # of Item, in reading order (cell order)
    background: tuple
    image: Image.Image


@dataclass
class Question:
    kind: str
    text: str
    answer: str


def _jitter(rng, rgb, amount):
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in rgb)


def _polygon(cx, cy, radius, points, inner=None, rotation=-math.pi / 2):
    out = []
    steps = points * (2 if inner else 1)
    for k in range(steps):
        r = radius if (inner is None or k % 2 == 0) else radius * inner
        a = rotation + 2 * math.pi * k / steps
        out.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return out


def _draw_shape(draw, shape, cx, cy, half, fill):
    if shape == "circle":
        draw.ellipse([cx - half, cy - half, cx + half, cy + half], fill=fill)
    elif shape == "square":
        s = half * 0.9
        draw.rectangle([cx - s, cy - s, cx + s, cy + s], fill=fill)
    elif shape == "triangle":
        # Equilateral, point up, centred on its bounding box.
        h = half * 2 * math.sqrt(3) / 2
        draw.polygon([(cx, cy - h / 2), (cx + half, cy + h / 2), (cx - half, cy + h / 2)], fill=fill)
    elif shape == "star":
        draw.polygon(_polygon(cx, cy + half * 0.08, half * 1.05, 5, inner=0.45), fill=fill)
    elif shape == "diamond":
        draw.polygon(_polygon(cx, cy, half, 4), fill=fill)
    else:
        raise ValueError(shape)


def make_scene(rng: random.Random, count=None, shapes=SHAPES) -> Scene:
    """A scene; `count` and `shapes` (the shapes to draw from) are for training's sampler, and
    leaving them out keeps the random stream of the held-out and example scenes."""
    count = rng.randint(1, 4) if count is None else count
    cells = sorted(rng.sample(range(4), count))
    items = [Item(rng.choice(shapes), rng.choice(list(COLOURS)), c) for c in cells]
    background = _jitter(rng, rng.choice(BACKGROUNDS), 6)
    image = Image.new("RGB", (RENDER_SIZE, RENDER_SIZE), background)
    draw = ImageDraw.Draw(image)
    cell = RENDER_SIZE // 2
    for item in items:
        half = rng.uniform(0.25, 0.40) * cell
        margin = half + cell * 0.06
        x0, y0 = (item.cell % 2) * cell, (item.cell // 2) * cell
        cx = x0 + rng.uniform(margin, cell - margin)
        cy = y0 + rng.uniform(margin, cell - margin)
        _draw_shape(draw, item.shape, cx, cy, half, _jitter(rng, COLOURS[item.colour], 14))
    return Scene(items, background, image)


def plural(shape):
    return shape + "s"


def article(word):
    return "an" if word[0] in "aeiou" else "a"


def describe(items):
    parts = [f"{article(it.colour)} {it.colour} {it.shape}" for it in items]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


COLOUR_TEMPLATES = ["What color is the {s}?", "What colour is the {s}?",
                    "What is the color of the {s}?", "Which color is the {s}?"]
COUNT_TEMPLATES = ["How many {p} are there?", "How many {p} are in the picture?",
                   "How many {p} do you see?", "Count the {p}."]
TOTAL_TEMPLATES = ["How many shapes are there?", "How many shapes are in the picture?",
                   "How many shapes do you see?"]
POSITION_TEMPLATES = ["What shape is at the {w}?", "What is at the {w}?",
                      "Which shape is in the {w} corner?", "What is in the {w}?"]
POSITION_COLOUR_TEMPLATES = ["What color is the shape at the {w}?",
                             "What colour is the shape at the {w}?",
                             "What color is the shape in the {w} corner?"]
DESCRIBE_TEMPLATES = ["Describe the picture.", "Describe the image.", "What do you see?",
                      "What is in the picture?"]

KINDS = ["colour", "count", "position", "position_colour", "describe"]
KIND_WEIGHTS = [0.28, 0.24, 0.18, 0.12, 0.18]


def all_question_texts():
    """Every question text the generator can ask (a finite set)."""
    out = []
    for s in SHAPES:
        out += [t.format(s=s) for t in COLOUR_TEMPLATES]
        out += [t.format(p=plural(s)) for t in COUNT_TEMPLATES]
    out += TOTAL_TEMPLATES
    for w in POSITIONS:
        out += [t.format(w=w) for t in POSITION_TEMPLATES + POSITION_COLOUR_TEMPLATES]
    out += DESCRIBE_TEMPLATES
    return out


def ask(rng: random.Random, scene: Scene, kind: str) -> Question:
    items = scene.items
    if kind == "colour":
        unique = [it for it in items if sum(o.shape == it.shape for o in items) == 1]
        if not unique:  # every shape repeats: ask how many instead
            return ask(rng, scene, "count")
        it = rng.choice(unique)
        return Question(kind, rng.choice(COLOUR_TEMPLATES).format(s=it.shape), it.colour)
    if kind == "count":
        if rng.random() < 0.2:
            return Question(kind, rng.choice(TOTAL_TEMPLATES), NUMBER_WORDS[len(items)])
        # Mostly shapes that are there, sometimes one that is not.
        pool = [it.shape for it in items] if rng.random() < 0.75 else SHAPES
        s = rng.choice(pool)
        n = sum(it.shape == s for it in items)
        return Question(kind, rng.choice(COUNT_TEMPLATES).format(p=plural(s)), NUMBER_WORDS[n])
    if kind == "position":
        cell = rng.randrange(4)
        found = [it for it in items if it.cell == cell]
        answer = found[0].shape if found else "nothing"
        return Question(kind, rng.choice(POSITION_TEMPLATES).format(w=POSITIONS[cell]), answer)
    if kind == "position_colour":
        it = rng.choice(items)
        text = rng.choice(POSITION_COLOUR_TEMPLATES).format(w=POSITIONS[it.cell])
        return Question(kind, text, it.colour)
    if kind == "describe":
        return Question(kind, rng.choice(DESCRIBE_TEMPLATES), describe(items))
    raise ValueError(kind)


def random_question(rng: random.Random, scene: Scene) -> Question:
    return ask(rng, scene, rng.choices(KINDS, KIND_WEIGHTS)[0])


# Training's mix (the held-out set keeps make_scene's and ask's own): more scenes of 3-4 shapes,
# often drawn from two shapes so that shapes repeat, and more colour and count questions. Without
# it the model learned to answer "What color is the X?" with the first shape's colour (right on
# one-shape scenes and whenever X comes first) and to miscount repeated shapes.
TRAINING_COUNT_WEIGHTS = [0.10, 0.25, 0.30, 0.35]  # 1, 2, 3, 4 shapes
TRAINING_FEW_SHAPES = 0.35  # share of scenes drawn from only two shapes
TRAINING_KIND_WEIGHTS = [0.34, 0.28, 0.12, 0.10, 0.16]


def training_scene(rng: random.Random) -> Scene:
    count = rng.choices([1, 2, 3, 4], TRAINING_COUNT_WEIGHTS)[0]
    shapes = rng.sample(SHAPES, 2) if rng.random() < TRAINING_FEW_SHAPES else SHAPES
    return make_scene(rng, count, shapes)


def training_question(rng: random.Random, scene: Scene, not_first: float,
                      kind_weights=TRAINING_KIND_WEIGHTS) -> Question:
    """`not_first`: the share of colour questions that name a shape other than the first when
    the scene has one (the rest ask about any shape, as the held-out questions do)."""
    kind = rng.choices(KINDS, kind_weights)[0]
    items = scene.items
    if kind == "colour" and rng.random() < not_first:
        later = [it for it in items[1:] if sum(o.shape == it.shape for o in items) == 1]
        if later:
            it = rng.choice(later)
            return Question(kind, rng.choice(COLOUR_TEMPLATES).format(s=it.shape), it.colour)
    return ask(rng, scene, kind)


def names_a_later_shape(scene: Scene, q: Question) -> bool:
    """A colour question about a shape that is not the first in reading order: the cases the
    first-shape shortcut gets wrong unless the colours happen to match."""
    return q.kind == "colour" and not q.text.endswith(f" {scene.items[0].shape}?")
