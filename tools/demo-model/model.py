"""nanoVLM's architecture (main generation), written for this repository.

The module tree and parameter names are nanoVLM's, so state_dict() keys are the tensor names
of a nanoVLM model.safetensors (vision_encoder.*, MP.proj.weight, decoder.*). The math is the
one /work/shared/DESIGN.md ("Model math") describes and our C++ engine implements:
  ViT: conv patch embedding + learned positions; pre-LN blocks with fused qkv (biases),
       GELU(tanh) MLP; final LayerNorm; bidirectional attention.
  Projector: pixel shuffle by s, then a bias-free linear to the LM width.
  LM: pre-RMSNorm blocks, GQA attention with rotate-half RoPE, SwiGLU MLP, final RMSNorm,
      logits against the (tied) token embedding.
torch 1.13 (Debian) has no scaled_dot_product_attention, so attention is spelled out.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def attention(q, k, v, causal):
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.size(-1))
    if causal:
        t = q.size(-2)
        mask = torch.ones(t, t, dtype=torch.bool, device=q.device).triu(1)
        scores = scores.masked_fill(mask, float("-inf"))
    return scores.softmax(dim=-1) @ v


class PatchEmbedding(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["vit_hidden_dim"]
        p = cfg["vit_patch_size"]
        n = (cfg["vit_img_size"] // p) ** 2
        self.conv = nn.Conv2d(3, d, kernel_size=p, stride=p)
        self.position_embedding = nn.Parameter(torch.randn(1, n, d) * 0.02)

    def forward(self, x):
        x = self.conv(x).flatten(2).transpose(1, 2)  # (B, patches row-major, D)
        return x + self.position_embedding


class VitAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["vit_hidden_dim"]
        self.n_heads = cfg["vit_n_heads"]
        self.qkv_proj = nn.Linear(d, 3 * d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv_proj(x).split(d, dim=-1)
        q, k, v = (y.view(b, t, self.n_heads, -1).transpose(1, 2) for y in (q, k, v))
        y = attention(q, k, v, causal=False).transpose(1, 2).reshape(b, t, d)
        return self.out_proj(y)


class VitMlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = nn.Linear(cfg["vit_hidden_dim"], cfg["vit_inter_dim"])
        self.fc2 = nn.Linear(cfg["vit_inter_dim"], cfg["vit_hidden_dim"])

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class VitBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, eps = cfg["vit_hidden_dim"], cfg["vit_ln_eps"]
        self.ln1 = nn.LayerNorm(d, eps=eps)
        self.attn = VitAttention(cfg)
        self.ln2 = nn.LayerNorm(d, eps=eps)
        self.mlp = VitMlp(cfg)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class VisionEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.patch_embedding = PatchEmbedding(cfg)
        self.blocks = nn.ModuleList(VitBlock(cfg) for _ in range(cfg["vit_n_blocks"]))
        self.layer_norm = nn.LayerNorm(cfg["vit_hidden_dim"], eps=cfg["vit_ln_eps"])

    def forward(self, pixels):
        x = self.patch_embedding(pixels)
        for block in self.blocks:
            x = block(x)
        return self.layer_norm(x)


class ModalityProjector(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.s = cfg["mp_pixel_shuffle_factor"]
        self.proj = nn.Linear(cfg["vit_hidden_dim"] * self.s**2, cfg["lm_hidden_dim"], bias=False)

    def forward(self, x):
        b, n, d = x.shape
        side, s = math.isqrt(n), self.s
        # (h/s, s, w/s, s, D) -> (h/s, w/s, s, s, D): each output row is an s x s neighbourhood.
        x = x.view(b, side // s, s, side // s, s, d).permute(0, 1, 3, 2, 4, 5)
        return self.proj(x.reshape(b, n // (s * s), s * s * d))


class RmsNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class LmAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["lm_hidden_dim"]
        self.n_heads, self.n_kv = cfg["lm_n_heads"], cfg["lm_n_kv_heads"]
        self.head_dim = d // self.n_heads
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, self.head_dim * self.n_kv, bias=False)
        self.v_proj = nn.Linear(d, self.head_dim * self.n_kv, bias=False)
        self.out_proj = nn.Linear(d, d, bias=False)

    def forward(self, x, cos, sin):
        b, t, d = x.shape
        q = self.q_proj(x).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.n_kv, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.n_kv, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        group = self.n_heads // self.n_kv
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        y = attention(q, k, v, causal=True).transpose(1, 2).reshape(b, t, d)
        return self.out_proj(y)


class LmMlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, h = cfg["lm_hidden_dim"], cfg["lm_inter_dim"]
        self.gate_proj = nn.Linear(d, h, bias=False)
        self.up_proj = nn.Linear(d, h, bias=False)
        self.down_proj = nn.Linear(h, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LmBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, eps = cfg["lm_hidden_dim"], cfg["lm_rms_eps"]
        self.norm1 = RmsNorm(d, eps)
        self.attn = LmAttention(cfg)
        self.norm2 = RmsNorm(d, eps)
        self.mlp = LmMlp(cfg)

    def forward(self, x, cos, sin):
        x = x + self.attn(self.norm1(x), cos, sin)
        return x + self.mlp(self.norm2(x))


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["lm_hidden_dim"]
        head_dim = d // cfg["lm_n_heads"]
        self.token_embedding = nn.Embedding(cfg["lm_vocab_size"], d)
        self.blocks = nn.ModuleList(LmBlock(cfg) for _ in range(cfg["lm_n_blocks"]))
        self.norm = RmsNorm(d, cfg["lm_rms_eps"])
        inv_freq = 1.0 / (cfg["lm_re_base"] ** (torch.arange(0, head_dim, 2).float() / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def rope(self, t):
        # Prompts stay far below lm_max_position_embeddings, so no frequency scaling applies.
        freqs = torch.arange(t).float().unsqueeze(-1) * self.inv_freq.unsqueeze(0)
        emb = torch.cat([freqs, freqs], dim=-1)
        return emb.cos(), emb.sin()

    def forward(self, x):
        cos, sin = self.rope(x.size(1))
        for block in self.blocks:
            x = block(x, cos, sin)
        return self.norm(x)

    def logits(self, hidden):
        return hidden @ self.token_embedding.weight.t()


class VisionLanguageModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.vision_encoder = VisionEncoder(cfg)
        self.MP = ModalityProjector(cfg)
        self.decoder = Decoder(cfg)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)

    def image_embeddings(self, pixels):
        return self.MP(self.vision_encoder(pixels))

    def embed(self, ids, image_embeds, image_token_id):
        """Token embeddings with each row of `image_embeds` written over an image placeholder,
        in order (nanoVLM's _replace_img_tokens_with_embd)."""
        x = self.decoder.token_embedding(ids)
        mask = ids == image_token_id
        x = x.clone()
        x[mask] = image_embeds.reshape(-1, x.size(-1)).to(x.dtype)
        return x

    def hidden(self, ids, image_embeds, image_token_id):
        return self.decoder(self.embed(ids, image_embeds, image_token_id))

    @torch.no_grad()
    def greedy(self, ids, pixels, image_token_id, eos_id, max_new_tokens):
        """Greedy answer ids for one prompt (no KV cache: prompts here are short)."""
        image_embeds = self.image_embeddings(pixels)
        ids = list(ids)
        out = []
        for _ in range(max_new_tokens):
            t = torch.tensor([ids + out])
            h = self.hidden(t, image_embeds, image_token_id)
            nxt = int(self.decoder.logits(h[0, -1]).argmax())
            out.append(nxt)
            if nxt == eos_id:
                break
        return out
