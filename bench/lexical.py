"""BM25 build, before and after streaming: bm25s.BM25.index over every passage's terms held in Python lists (the
build the BM25 module had until issue 8), and retriever.store.bm25.build, which keeps compact arrays only.

Both index the same passages as bench/scale.py (title + ~300-character Pháp điển slices, as the index writer hands
them over), each in a fresh child process so that its peak RSS (ru_maxrss) is its own; the two indexes are then
checked to score a few queries alike.
"""
from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import queue
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import load_average, peak_rss_mb, questions

BUILDS = ("bm25s in memory", "streamed")


def _passages(passages: int) -> Iterator[tuple[int, str]]:
    from bench.scale import synthetic_documents
    from retriever.text.passages import passage_with_context

    row_id = 0
    for title, pieces in synthetic_documents(passages):
        for piece in pieces:
            row_id += 1
            yield row_id, passage_with_context(title, "", piece)


def _bm25s_in_memory(folder: Path, passages: Iterator[tuple[int, str]]) -> None:
    """retriever.bm25.build as it was: all terms in lists, then bm25s.BM25.index and save."""
    import bm25s
    import numpy as np

    from retriever.store import bm25

    folder.mkdir(parents=True, exist_ok=True)
    row_ids: list[int] = []
    corpus: list[list[str]] = []
    for row_id, text in passages:
        row_ids.append(row_id)
        corpus.append(bm25.document_terms(text))
    np.save(folder / bm25.ROW_IDS, np.asarray(row_ids, dtype=np.int64), allow_pickle=False)
    model = bm25s.BM25(k1=bm25.K1, b=bm25.B)
    model.index(corpus, show_progress=False)
    model.save(folder, show_progress=False)
    (folder / bm25.META).write_text(json.dumps({"tokenizer": bm25.tokenizer_id(), "passages": len(row_ids)}))


def _child(build: str, passages: int, folder: Path, results: mp.Queue) -> None:
    from retriever.store import bm25

    rows = _passages(passages)
    first = next(rows)  # reads the articles, so that the baseline below includes them
    baseline = peak_rss_mb()
    t0 = time.perf_counter()
    rows = itertools.chain([first], rows)
    if build == "streamed":
        bm25.build(folder, rows)
    else:
        _bm25s_in_memory(folder, rows)
    results.put({"seconds": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb(), "baseline_mb": baseline})


def _measure(build: str, passages: int, folder: Path) -> dict | None:
    """The child's figures, or None when it died (the in-memory build is killed for memory at large sizes)."""
    ctx = mp.get_context("spawn")  # a fresh interpreter: nothing of the parent's memory in the child's peak
    results = ctx.Queue()
    proc = ctx.Process(target=_child, args=(build, passages, folder, results))
    proc.start()
    while True:
        try:
            out = results.get(timeout=5)
            break
        except queue.Empty:
            if not proc.is_alive():
                print(f"  {build:16s} exited with code {proc.exitcode} before finishing", flush=True)
                return None
    proc.join()
    return out


def _same_scores(a: Path, b: Path) -> tuple[int, int]:
    """(queries whose top 10 are the same passages in the same order, queries) over the seed questions."""
    from retriever.store.bm25 import LexicalIndex

    first, second = LexicalIndex(a), LexicalIndex(b)
    qs = questions()
    same = sum([i for i, _ in first.search(q, 10)] == [i for i, _ in second.search(q, 10)] for q in qs)
    return same, len(qs)


def run(passages: int = 200_000, rounds: int = 1) -> None:
    print(f"BM25 build over {passages:,} passages, bm25s in memory vs streamed, a child process each, {rounds} "
          f"round(s); load average {load_average()}")
    tmp = Path(tempfile.mkdtemp(prefix="policyqa-lexical-"))
    measured: dict[str, list[dict]] = {b: [] for b in BUILDS}
    try:
        for r in range(rounds):
            order = BUILDS[r % 2 :] + BUILDS[: r % 2]  # alternate who goes first on this shared machine
            for build in order:
                m = _measure(build, passages, tmp / build.replace(" ", "-"))
                if m is None:
                    return
                measured[build].append(m)
                print(f"  {build:16s} {m['seconds']:7.1f} s  peak RSS {m['peak_rss_mb']:8,.0f} MB "
                      f"(before the build {m['baseline_mb']:,.0f} MB)  load average {load_average()}", flush=True)
        old, new = (min(measured[b], key=lambda m: m["seconds"]) for b in BUILDS)
        grown = [m["peak_rss_mb"] - m["baseline_mb"] for m in (old, new)]
        print(f"peak RSS bm25s / streamed: {old['peak_rss_mb'] / new['peak_rss_mb']:.1f}x "
              f"(memory the build added: {grown[0]:,.0f} MB vs {grown[1]:,.0f} MB, {grown[0] / grown[1]:.1f}x); "
              f"time bm25s / streamed: {old['seconds'] / new['seconds']:.2f}x")
        same, n = _same_scores(*(tmp / b.replace(" ", "-") for b in BUILDS))
        size = sum(p.stat().st_size for p in (tmp / "streamed").iterdir()) / 1e6
        print(f"same top 10 on {same}/{n} seed questions; streamed index {size:,.0f} MB on disk")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
