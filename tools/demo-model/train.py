#!/usr/bin/python3
"""Train the "Demo: shapes" nanoVLM and write its checkpoint, examples and held-out fixtures.

    /usr/bin/python3 tools/demo-model/train.py --nanovlm build/release/app/nanovlm

Needs Debian's python3-torch and python3-pil (see README.md here) and our `nanovlm` CLI, whose
tokenizer turns prompts into ids exactly as the app will. Writes:
  resources/demo-model/   config.json, model.safetensors (F16), tokenizer.json, demo.json,
                          examples/*.png + examples.json
  tests/fixtures/demo/    held-out scenes, questions, answers and this model's greedy output
Everything is seeded (--seed); the log goes to stdout (tools/demo-model/train.log is the committed run).
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time

import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conversations  # noqa: E402
import scenes  # noqa: E402
from chat_eval import chat_report, evaluate_chats  # noqa: E402
from checkpoint import load_safetensors, save_safetensors  # noqa: E402
from model import VisionLanguageModel  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IMAGE_TOKEN_ID = 49152  # <|image|>, the first nanoVLM extra token
EOS_ID = 2  # <|im_end|>
HELD_OUT_SEED_OFFSET = 1_000_003
EXAMPLES_SEED_OFFSET = 2_000_003
VALIDATION_SEED_OFFSET = 3_000_003  # progress checks during training (not the held-out set)
HELD_OUT_CHATS_SEED_OFFSET = 4_000_003
VALIDATION_CHATS_SEED_OFFSET = 5_000_003


def make_config(args):
    base = json.load(open(os.path.join(REPO, "tests/fixtures/parity/main/ckpt/config.json")))
    img, patch, shuffle = 64, 8, 2
    base.update({
        "vit_hidden_dim": 64, "vit_inter_dim": 256, "vit_patch_size": patch,
        "vit_img_size": img, "vit_n_heads": 4, "vit_n_blocks": args.vit_blocks,
        "lm_hidden_dim": 96, "lm_inter_dim": 256, "lm_n_heads": 3, "lm_n_kv_heads": args.lm_kv_heads,
        "lm_n_blocks": args.lm_blocks, "lm_max_length": 512,
        "mp_pixel_shuffle_factor": shuffle,
        "mp_image_token_length": (img // patch // shuffle) ** 2,
        # Every picture becomes one 64x64 tile: the long side goes to min(64, ceil(long/64)*64)
        # and the short side rounds up to 64.
        "max_img_size": img, "resize_to_max_side_len": False,
        "vlm_load_backbone_weights": False,
        "hf_repo_name": "nanovlm-chat demo-shapes",
    })
    return base


class Tokens:
    """Ids for prompts and answers from our engine's tokenizer (`nanovlm tokenize`)."""

    def __init__(self, nanovlm, model_dir, cfg):
        self.nanovlm, self.model_dir = nanovlm, model_dir
        n = cfg["mp_image_token_length"]
        self.image_string = "<|global_image|>" + "<|image|>" * n
        questions = scenes.all_question_texts()
        self.prompt = dict(zip(questions, self.encode([self.prompt_text(q) for q in questions])))
        # Later turns of a chat, without and with a picture sent along (conversations.py).
        later = self.encode([t for q in questions
                             for t in conversations.follow_up_texts(q, self.image_string)])
        self.follow_up = dict(zip(questions, later[0::2]))
        self.follow_up_image = dict(zip(questions, later[1::2]))
        # Answers are single words or `describe` sentences; the pre-tokenizer splits those at
        # word and punctuation boundaries, so a sentence's ids are its pieces' ids in a row.
        words = list(scenes.COLOURS) + scenes.SHAPES + scenes.NUMBER_WORDS + ["nothing", "a", "an"]
        pieces = words + [" " + w for w in words] + [",", " and"]
        self.piece = dict(zip(pieces, self.encode(pieces)))

    def prompt_text(self, question):
        return f"<|im_start|>user\n{self.image_string}{question}<|im_end|>\n<|im_start|>assistant\n"

    def turn_prompt(self, turn, index):
        """A chat turn's ids as the app's PromptBuilder::user_turn makes them."""
        if index == 0:
            return self.prompt[turn.question.text]
        table = self.follow_up if turn.scene is None else self.follow_up_image
        return table[turn.question.text]

    def encode(self, texts):
        out = self.run(["tokenize", "--model", self.model_dir],
                       "".join(json.dumps(t) + "\n" for t in texts))
        return [json.loads(line) for line in out.splitlines()]

    def decode(self, id_lists):
        out = self.run(["tokenize", "--model", self.model_dir, "--decode", "--skip-special"],
                       "".join(json.dumps(ids) + "\n" for ids in id_lists))
        return [json.loads(line) for line in out.splitlines()]

    def run(self, args, stdin):
        return subprocess.run([self.nanovlm] + args, input=stdin, capture_output=True, text=True,
                              check=True).stdout

    def answer(self, text):
        ids, first = [], True
        for word in text.replace(",", " ,").split(" "):
            key = word if (first or word == ",") else " " + word
            ids += self.piece[key]
            first = False
        return ids


def pixels_of(image, size):
    """What our engine and nanoVLM feed the ViT: Pillow BICUBIC resize, then uint8 / 255."""
    small = image.resize((size, size), Image.BICUBIC) if image.size != (size, size) else image
    t = torch.frombuffer(bytearray(small.tobytes()), dtype=torch.uint8)
    return t.view(size, size, 3).permute(2, 0, 1).float().div(255)


def cell_labels(scene):
    """For each cell of the 2x2 grid: (shape index or len(SHAPES), colour index or len(COLOURS))."""
    shapes = [len(scenes.SHAPES)] * 4
    colours = [len(scenes.COLOURS)] * 4
    for it in scene.items:
        shapes[it.cell] = scenes.SHAPES.index(it.shape)
        colours[it.cell] = list(scenes.COLOURS).index(it.colour)
    return shapes + colours


def sequence(tokens, conv, scene_index):
    """One chat as training sees it: its ids, the answer tokens to predict (the rest -100), each
    answer token's weight (1 / its answer's length, so every answer weighs the same) and the
    batch index of each picture, in the order its placeholders appear."""
    ids, targets, weights, pictures = [], [], [], []
    for i, turn in enumerate(conv.turns):
        p = tokens.turn_prompt(turn, i)
        a = tokens.answer(turn.question.answer) + [EOS_ID]
        if turn.scene is not None:
            pictures.append(scene_index[id(turn.scene)])
        ids += p + a
        targets += [-100] * len(p) + a
        weights += [0.0] * len(p) + [1.0 / len(a)] * len(a)
    # Position t predicts token t + 1.
    return ids[:-1], targets[1:], weights[1:], pictures


def make_batch(rng, tokens, n_images, per_image, size, not_first, n_chats, second_picture,
               chat_kind_weights):
    """`n_images` scenes with `per_image` single questions each, and `n_chats` chats."""
    chats, all_scenes = [], []
    for _ in range(n_images):
        scene = scenes.training_scene(rng)
        for _ in range(per_image):
            q = scenes.training_question(rng, scene, not_first)
            chats.append(conversations.Conversation([conversations.Turn(q, scene)]))
    for _ in range(n_chats):
        chats.append(conversations.training_conversation(rng, not_first, second_picture,
                                                         chat_kind_weights))
    scene_index = {}
    for conv in chats:
        for sc in conv.scenes():
            if id(sc) not in scene_index:
                scene_index[id(sc)] = len(all_scenes)
                all_scenes.append(sc)
    # Single questions and chats in separate groups: padding a 40-token question to a 200-token
    # chat's length would double a step's work.
    n_single = n_images * per_image
    groups = [group([sequence(tokens, conv, scene_index) for conv in part])
              for part in (chats[:n_single], chats[n_single:]) if part]
    pixels = torch.stack([pixels_of(sc.image, size) for sc in all_scenes])
    labels = torch.tensor([cell_labels(sc) for sc in all_scenes])
    return pixels, groups, labels


def group(seqs):
    """Padded (ids, targets, weights, picture indices) of sequences made by `sequence`."""
    length = max(len(q[0]) for q in seqs)
    ids = torch.zeros(len(seqs), length, dtype=torch.long)
    targets = torch.full((len(seqs), length), -100, dtype=torch.long)
    weights = torch.zeros(len(seqs), length)
    pictures = []
    for i, (q_ids, q_targets, q_weights, q_pictures) in enumerate(seqs):
        ids[i, : len(q_ids)] = torch.tensor(q_ids)
        targets[i, : len(q_ids)] = torch.tensor(q_targets)
        weights[i, : len(q_ids)] = torch.tensor(q_weights)
        pictures += q_pictures
    return ids, targets, weights, torch.tensor(pictures)


class CellProbe(torch.nn.Module):
    """Training-only help for the vision side (not part of the checkpoint).

    Read through the LM's attention alone, the image tokens learn slowly: at first attention is
    uniform, and a shape covers 1-4 of the 16 tokens, so its colour drowns in the background.
    This probe asks the 2x2 image tokens over each grid cell, averaged, to say (linearly) which
    shape and colour the cell holds, which makes each token say what is under it from the start.
    """

    def __init__(self, dim, side, per_token, cell):
        super().__init__()
        self.side, self.per_token = side, per_token
        self.shape = torch.nn.Linear(dim, len(scenes.SHAPES) + 1)
        self.colour = torch.nn.Linear(dim, len(scenes.COLOURS) + 1)
        # With `cell`, each token also says which cell it lies in, so a question about a position
        # can find the cell by what its tokens hold, whatever distance in the chat separates the
        # question from the picture (RoPE only tells the LM how far back a token is).
        self.cell = torch.nn.Linear(dim, 4) if cell else None

    def loss(self, image_embeds, labels):
        b, n, d = image_embeds.shape
        h = self.side // 2
        cells = image_embeds.view(b, 2, h, 2, h, d)
        if self.per_token:
            # Every token of a cell says what the cell holds, so that a question naming a shape
            # finds all of that shape's tokens by attention, not only the one that shows it best.
            grid = cells.permute(0, 1, 3, 2, 4, 5).reshape(b, 4, h * h, d)
            labels = labels.view(b, 2, 4, 1).expand(b, 2, 4, h * h)
            shape_labels, colour_labels = labels[:, 0].reshape(-1), labels[:, 1].reshape(-1)
        else:
            grid = cells.mean(dim=(2, 4)).reshape(b, 4, d)
            shape_labels, colour_labels = labels[:, :4].reshape(-1), labels[:, 4:].reshape(-1)
        loss = (F.cross_entropy(self.shape(grid).reshape(len(shape_labels), -1), shape_labels) +
                F.cross_entropy(self.colour(grid).reshape(len(colour_labels), -1), colour_labels))
        if self.cell is not None:
            where = torch.arange(4).view(1, 4, 1).expand(grid.shape[:-1]).reshape(-1)
            loss = loss + F.cross_entropy(self.cell(grid).reshape(len(where), 4), where)
        return loss


class SampledVocab:
    """Training's view of the tied embedding, to fit a 49218-row vocabulary on a shared CPU.

    Only the rows of tokens our prompts and answers use are trained; every other row keeps its
    random initialisation. Each step scores the answer tokens against the trained rows plus
    `negatives` random other rows (resampled every step), so the model learns to rank every
    untrained token low without paying for the full head. The final accuracy is measured with
    the full-vocabulary argmax, as the engine decodes.
    """

    def __init__(self, model, used_ids, negatives, per_answer):
        self.per_answer = per_answer
        weight = model.decoder.token_embedding.weight
        weight.requires_grad_(False)
        self.weight = weight
        self.used_ids = torch.tensor(sorted(used_ids))
        self.rows = torch.nn.Parameter(weight[self.used_ids].clone())
        self.local = torch.full((weight.size(0),), -1, dtype=torch.long)
        self.local[self.used_ids] = torch.arange(len(self.used_ids))
        unused = torch.ones(weight.size(0), dtype=torch.bool)
        unused[self.used_ids] = False
        self.unused_ids = unused.nonzero().squeeze(1)
        self.negatives = negatives

    def loss(self, model, pixels, groups, labels, gen, probe):
        per_scene = model.image_embeddings(pixels)
        pick = torch.randint(len(self.unused_ids), (self.negatives,), generator=gen)
        table = torch.cat([self.rows, self.weight[self.unused_ids[pick]]])
        token_losses, token_weights = [], []
        for ids, targets, weights, pictures in groups:
            x = self.rows[self.local[ids]]
            x[ids == IMAGE_TOKEN_ID] = per_scene[pictures].reshape(-1, x.size(-1))
            hidden = model.decoder(x)
            where = targets != -100
            logits = hidden[where] @ table.t()
            token_losses.append(F.cross_entropy(logits, self.local[targets[where]],
                                                reduction="none"))
            token_weights.append(weights[where])
        token_loss, weights = torch.cat(token_losses), torch.cat(token_weights)
        if self.per_answer:
            # Each answer weighs the same: a one-word colour answer as much as a description.
            answer_loss = (token_loss * weights).sum() / weights.sum()
        else:
            answer_loss = token_loss.mean()
        return answer_loss, probe.loss(per_scene, labels)

    def write_back(self):
        with torch.no_grad():
            self.weight[self.used_ids] = self.rows


def held_out_cases(seed, count):
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        scene = scenes.make_scene(rng)
        q = scenes.ask(rng, scene, scenes.KINDS[i % len(scenes.KINDS)])
        cases.append((scene, q))
    return cases


def evaluate(model, tokens, cases, size):
    results = []
    for scene, q in cases:
        ids = model.greedy(tokens.prompt[q.text], pixels_of(scene.image, size).unsqueeze(0),
                           IMAGE_TOKEN_ID, EOS_ID, max_new_tokens=40)
        results.append(ids)
    texts = tokens.decode(results)
    correct = sum(t == q.answer for t, (_, q) in zip(texts, cases))
    return results, texts, correct / len(cases)


def accuracy_report(cases, texts):
    """Exact-answer accuracy by question kind, and on colour questions that name a shape other
    than the first (which the first-shape shortcut gets wrong)."""
    groups = {k: [] for k in scenes.KINDS}
    later = []
    for (scene, q), t in zip(cases, texts):
        groups[q.kind].append(t == q.answer)
        if scenes.names_a_later_shape(scene, q):
            later.append(t == q.answer)
    parts = [f"{k} {sum(v)}/{len(v)}" for k, v in groups.items()]
    parts.append(f"colour of a named shape that is not the first {sum(later)}/{len(later)}")
    return ", ".join(parts)


def f16_rounded(model):
    """The model as the F16 checkpoint holds it (what the engine will run)."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    return model


def load_into(model, path):
    """Continue from a checkpoint this script wrote (F16, tied head stored as decoder.head).

    If `model` has more LM blocks than the checkpoint, the extra blocks start as the identity
    (their output projections zero), so training continues from the same function."""
    state = {("decoder.token_embedding.weight" if k == "decoder.head.weight" else k): v.float()
             for k, v in load_safetensors(path).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not k.startswith("decoder.blocks.") for k in missing):
        raise ValueError(f"{path}: does not fit the model (missing {missing}, extra {unexpected})")
    with torch.no_grad():
        for name in missing:
            if name.endswith(("attn.out_proj.weight", "mlp.down_proj.weight")):
                dict(model.named_parameters())[name].zero_()
    if missing:
        print(f"new LM blocks start as the identity: {sorted({k.split('.')[2] for k in missing})}",
              flush=True)


def write_checkpoint(model, cfg, out_dir, tokenizer_src):
    os.makedirs(out_dir, exist_ok=True)
    state = {k: v.detach().half() for k, v in model.state_dict().items()}
    # nanoVLM's save_pretrained stores the tied head once, as decoder.head.weight.
    state["decoder.head.weight"] = state.pop("decoder.token_embedding.weight")
    save_safetensors(state, os.path.join(out_dir, "model.safetensors"),
                     metadata={"decoder.token_embedding.weight": "decoder.head.weight"})
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=4)
        f.write("\n")
    shutil.copyfile(tokenizer_src, os.path.join(out_dir, "tokenizer.json"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nanovlm", required=True, help="path to our built `nanovlm` CLI")
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--steps", type=int, default=12000)
    ap.add_argument("--data-seed", type=int, help="training data stream (default: --seed)")
    ap.add_argument("--init-from", help="model.safetensors to continue training from")
    ap.add_argument("--images-per-step", type=int, default=8)
    ap.add_argument("--questions-per-image", type=int, default=4)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--vit-blocks", type=int, default=3)
    ap.add_argument("--lm-blocks", type=int, default=3)
    ap.add_argument("--lm-kv-heads", type=int, default=3)
    ap.add_argument("--probe-weight", type=float, default=1.0)
    ap.add_argument("--probe-per-token", action=argparse.BooleanOptionalAction, default=True,
                    help="the cell probe reads every image token, not the mean over a cell")
    ap.add_argument("--per-answer-loss", action=argparse.BooleanOptionalAction, default=True,
                    help="weigh every answer the same, not every answer token")
    ap.add_argument("--not-first", type=float, default=0.75,
                    help="share of training colour questions that name a shape other than the first")
    ap.add_argument("--probe-cell", action=argparse.BooleanOptionalAction, default=False,
                    help="the cell probe also asks each image token which cell it lies in")
    ap.add_argument("--chat-kind-weights", type=float, nargs=5,
                    default=scenes.TRAINING_KIND_WEIGHTS, metavar="W",
                    help="weights of colour, count, position, position_colour and describe "
                         "questions in chat turns (default: the single questions' mix)")
    ap.add_argument("--chats-per-step", type=int, default=0,
                    help="multi-turn chats per step, besides the single questions")
    ap.add_argument("--second-picture", type=float, default=0.3,
                    help="share of training chats in which a second picture arrives later")
    ap.add_argument("--negatives", type=int, default=2048)
    ap.add_argument("--held-out", type=int, default=60)
    ap.add_argument("--held-out-chats", type=int, default=45)
    ap.add_argument("--check-every", type=int, default=1000, help="steps between validation checks")
    # One: at this size a second thread made a step three times slower here (4 vs 12 steps/s).
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(REPO, "resources/demo-model"))
    ap.add_argument("--fixtures", default=os.path.join(REPO, "tests/fixtures/demo"))
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    # The training stream; the held-out and example streams derive from --seed alone.
    rng = random.Random(args.seed if args.data_seed is None else args.data_seed)
    print(f"args: {vars(args)}", flush=True)
    print(f"torch {torch.__version__}, Pillow {Image.__version__}", flush=True)

    cfg = make_config(args)
    tokenizer_src = os.path.join(REPO, "tests/fixtures/tokenizer/tokenizer.json")
    model = VisionLanguageModel(cfg)
    if args.init_from:
        load_into(model, args.init_from)
    write_checkpoint(model, cfg, args.out, tokenizer_src)  # so the CLI can tokenize for us
    tokens = Tokens(args.nanovlm, args.out, cfg)
    size = cfg["vit_img_size"]
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params} ({n_params - model.decoder.token_embedding.weight.numel()} "
          f"without the token embedding)", flush=True)

    held_out = held_out_cases(args.seed + HELD_OUT_SEED_OFFSET, args.held_out)
    validation = held_out_cases(args.seed + VALIDATION_SEED_OFFSET, 100)
    held_out_chats = conversations.held_out_conversations(args.seed + HELD_OUT_CHATS_SEED_OFFSET,
                                                          args.held_out_chats)
    validation_chats = conversations.held_out_conversations(
        args.seed + VALIDATION_CHATS_SEED_OFFSET, 30)
    used = {EOS_ID}.union(*tokens.prompt.values(), *tokens.piece.values())
    if args.chats_per_step:
        used = used.union(*tokens.follow_up.values(), *tokens.follow_up_image.values())
    vocab = SampledVocab(model, used, args.negatives, args.per_answer_loss)
    print(f"trained vocabulary rows: {len(used)}; {args.negatives} sampled negatives a step",
          flush=True)
    side = cfg["vit_img_size"] // cfg["vit_patch_size"] // cfg["mp_pixel_shuffle_factor"]
    probe = CellProbe(cfg["lm_hidden_dim"], side, args.probe_per_token, args.probe_cell)
    params = [p for p in model.parameters() if p.requires_grad] + [vocab.rows]
    params += list(probe.parameters())
    gen = torch.Generator().manual_seed(args.seed)
    opt = torch.optim.AdamW(params, lr=args.lr, betas=(0.9, 0.98), weight_decay=0.0)
    warmup = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.02, 1 - s / args.steps))
    start = time.time()
    for step in range(1, args.steps + 1):
        batch = make_batch(rng, tokens, args.images_per_step, args.questions_per_image, size,
                           args.not_first, args.chats_per_step, args.second_picture,
                           args.chat_kind_weights)
        model.train()
        loss, probe_loss = vocab.loss(model, *batch, gen, probe)
        opt.zero_grad(set_to_none=True)
        (loss + args.probe_weight * probe_loss).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        if step % 25 == 0 or step == 1:
            el = time.time() - start
            print(f"step {step:5d}  loss {loss.item():.4f}  probe {probe_loss.item():.3f}  lr {sched.get_last_lr()[0]:.2e}  "
                  f"{el:7.1f} s  {step / el:.2f} steps/s", flush=True)
        if step % args.check_every == 0 and step < args.steps:
            model.eval()
            vocab.write_back()
            _, texts, acc = evaluate(model, tokens, validation, size)
            print(f"step {step:5d}  validation accuracy {acc:.2f} ({accuracy_report(validation, texts)})",
                  flush=True)
            results, chat_acc = evaluate_chats(model, tokens, validation_chats, size, pixels_of,
                                               EOS_ID, IMAGE_TOKEN_ID)
            print(f"step {step:5d}  validation chat turns {chat_acc:.2f} "
                  f"({chat_report(validation_chats, results)})", flush=True)
            # A snapshot to fall back on if the run has to stop early (the end rewrites it).
            write_checkpoint(model, cfg, args.out, tokenizer_src)
    print(f"training took {time.time() - start:.0f} s for {args.steps} steps", flush=True)

    model.eval()
    vocab.write_back()
    f16_rounded(model)
    write_checkpoint(model, cfg, args.out, tokenizer_src)
    ids, texts, acc = evaluate(model, tokens, held_out, size)
    print(f"held-out exact-answer accuracy (F16 weights, greedy): {acc:.4f} "
          f"({round(acc * len(held_out))}/{len(held_out)})", flush=True)
    print(f"held-out by kind: {accuracy_report(held_out, texts)}", flush=True)
    results, chat_acc = evaluate_chats(model, tokens, held_out_chats, size, pixels_of, EOS_ID,
                                       IMAGE_TOKEN_ID)
    turns = sum(len(c.turns) for c in held_out_chats)
    print(f"held-out chats ({len(held_out_chats)}, every turn scored, the model's own answers in "
          f"the transcript): {chat_acc:.4f} ({round(chat_acc * turns)}/{turns})", flush=True)
    print(f"held-out chats by turn and kind: {chat_report(held_out_chats, results)}", flush=True)
    from export import write_chat_fixtures, write_fixtures, write_examples  # noqa: E402
    write_fixtures(args.fixtures, held_out, ids, texts, tokens)
    write_chat_fixtures(args.fixtures, held_out_chats, results)
    write_examples(args.out, model, tokens, random.Random(args.seed + EXAMPLES_SEED_OFFSET), size)
    for (scene, q), t in zip(held_out, texts):
        if t != q.answer:
            print(f"  wrong: {q.text!r} expected {q.answer!r} got {t!r}", flush=True)
    for n, (conv, (_, _, texts)) in enumerate(zip(held_out_chats, results)):
        for i, (turn, t) in enumerate(zip(conv.turns, texts)):
            if t != turn.question.answer:
                print(f"  wrong in chat {n}, turn {i + 1}: {turn.question.text!r} expected "
                      f"{turn.question.answer!r} got {t!r}", flush=True)


if __name__ == "__main__":
    main()
