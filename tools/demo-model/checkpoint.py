"""A safetensors writer (the `safetensors` package is not in Debian 12).

Format: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}
plus optional "__metadata__", padded with spaces to 8 bytes, then the raw little-endian data.
"""

import json
import os
import struct
import tempfile

import torch

DTYPES = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32"}


def save_safetensors(tensors, path, metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        data = t.view(torch.uint8).numpy().tobytes() if t.dtype != torch.bfloat16 else \
            t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    # Written to a temporary file and renamed, so a reader never sees half a checkpoint.
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)))
    with os.fdopen(fd, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def load_safetensors(path):
    """{name: tensor} of a safetensors file (F16, BF16 or F32)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    types = {v: k for k, v in DTYPES.items()}
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(data[begin:end])
        if entry["dtype"] == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(raw, dtype=types[entry["dtype"]])
        out[name] = t.view(entry["shape"])
    return out
