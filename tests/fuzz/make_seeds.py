#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (tests/fuzz/seeds/<target>/) from the test fixtures.

Standard library only; run from anywhere: python3 tests/fuzz/make_seeds.py
"""
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "tests" / "fuzz" / "seeds"


def write(target, name, data):
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def safetensors_seeds():
    for generation in ("v0.1", "v0.2", "main"):
        blob = (FIXTURES / "parity" / generation / "ckpt" / "model.safetensors").read_bytes()
        header_len = struct.unpack("<Q", blob[:8])[0]
        prefix = blob[: 8 + header_len]
        data_bytes = len(blob) - len(prefix)
        write("fuzz_safetensors", generation, struct.pack("<I", data_bytes) + prefix)


def config_seeds():
    for generation in ("v0.1", "v0.2", "main"):
        text = (FIXTURES / "parity" / generation / "ckpt" / "config.json").read_text()
        write("fuzz_model_config", generation, text)
    write("fuzz_model_config", "empty-object", "{}")


def tokenizer_json_seed():
    spec = json.loads((FIXTURES / "tokenizer" / "tokenizer.json").read_text())
    model = spec["model"]
    vocab = {token: i for token, i in model["vocab"].items() if i < 400}
    merges = []
    for merge in model["merges"]:
        left, right = merge.split(" ") if isinstance(merge, str) else merge
        if left in vocab and right in vocab and left + right in vocab:
            merges.append(merge)
    model["vocab"] = vocab
    model["merges"] = merges
    write("fuzz_tokenizer_json", "smollm2-small", json.dumps(spec))


def encode_seeds():
    lines = (FIXTURES / "tokenizer" / "encode-cases.jsonl").read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(line for line in lines[:60] if line):
        case = json.loads(line)
        text = case.get("text")
        if isinstance(text, str):
            write("fuzz_tokenizer_encode", f"case-{index:03d}", text)


def geometry_seeds():
    # mode (0 tiles, 1 square), resize_to_max_side, tile, max_side, max_tiles, width, height
    shapes = [
        (0, 0, 8, 32, 0, 30, 20),
        (0, 1, 8, 32, 2, 17, 45),
        (1, 0, 16, 64, 0, 50, 7),
        (0, 0, 16, 48, 0, 1, 1),
    ]
    for index, (mode, resize, tile, max_side, max_tiles, width, height) in enumerate(shapes):
        head = bytes([mode, resize]) + struct.pack("<iiiii", tile, max_side, max_tiles, width, height)
        pixels = bytes((i * 37) % 256 for i in range(width * height * 3))
        write("fuzz_image_geometry", f"shape-{index}", head + pixels)


def hostile_seeds():
    """Deep nesting (past the parsers' 64-level limit) and what a special file gives when read:
    /dev/zero's NUL bytes, and a FIFO's nothing."""
    depth = 5000
    deep_array = "[" * depth + "1" + "]" * depth
    deep_object = '{"a":' * depth + "1" + "}" * depth
    write("fuzz_model_config", "deep-array.json", deep_array)
    write("fuzz_model_config", "deep-field.json", '{"vit_hidden_dim": ' + deep_array + "}")
    write("fuzz_model_config", "deep-extra-tokens.json", '{"vlm_extra_tokens": ' + deep_object + "}")
    write("fuzz_tokenizer_json", "deep-normalizer.json", '{"normalizer": ' + deep_object + "}")
    write("fuzz_tokenizer_json", "deep-model.json", '{"model": {"type": "BPE", "x": ' + deep_array + "}}")
    header = ('{"a": {"dtype": "F32", "shape": ' + deep_array + ', "data_offsets": [0, 4]}}').encode()
    write("fuzz_safetensors", "deep-shape", struct.pack("<I", 4) + struct.pack("<Q", len(header)) + header)
    zeros = bytes(65536)
    for target in ("fuzz_model_config", "fuzz_tokenizer_json"):
        write(target, "dev-zero", zeros)
        write(target, "fifo-empty", b"")
    write("fuzz_safetensors", "dev-zero", struct.pack("<I", 1 << 20) + zeros)


if __name__ == "__main__":
    safetensors_seeds()
    config_seeds()
    tokenizer_json_seed()
    encode_seeds()
    geometry_seeds()
    hostile_seeds()
