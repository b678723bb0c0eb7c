"""Load test: N concurrent users for T seconds mixing /ask and /search against a real uvicorn server with
several workers on 127.0.0.1, while a probe times /health. Bounded in users, time and requests.

    python -m bench.load [--users 50] [--seconds 60] [--workers 2] [--index DIR]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from evals.datasets import EVAL

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = EVAL / "seed_dev.jsonl"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start_server(index: Path, workers: int) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "POLICYQA_RATE_LIMIT_PER_MINUTE": "0"}  # every simulated user shares one address
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "--index", str(index), "--port", str(port), "--workers", str(workers)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start")


async def user(client: httpx.AsyncClient, questions: list[str], stop_at: float, stats: dict) -> None:
    rng = random.Random()
    while time.monotonic() < stop_at:
        q = rng.choice(questions)
        path, body = ("/ask", {"question": q}) if rng.random() < 0.5 else ("/search", {"query": q, "top_k": 5})
        t0 = time.perf_counter()
        try:
            r = await client.post(path, json=body)
            stats[path].append(time.perf_counter() - t0)
            stats["status"][r.status_code] = stats["status"].get(r.status_code, 0) + 1
        except httpx.HTTPError as e:
            stats["errors"].append(type(e).__name__)


async def probe(client: httpx.AsyncClient, stop_at: float, stats: dict) -> None:
    while time.monotonic() < stop_at:
        t0 = time.perf_counter()
        try:
            await client.get("/health")
            stats["/health"].append(time.perf_counter() - t0)
        except httpx.HTTPError as e:
            stats["errors"].append("health:" + type(e).__name__)
        await asyncio.sleep(0.2)


async def run_load(url: str, users: int, seconds: float) -> dict:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    stats: dict = {"/ask": [], "/search": [], "/health": [], "status": {}, "errors": []}
    limits = httpx.Limits(max_connections=users + 5)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client, httpx.AsyncClient(
        base_url=url, timeout=10
    ) as health_client:
        stop_at = time.monotonic() + seconds
        await asyncio.gather(probe(health_client, stop_at, stats), *(user(client, questions, stop_at, stats) for _ in range(users)))
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--index", type=Path, help="index to serve (default: the sample corpus, built in a temp dir)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            index = Path(tmp) / "index"
            subprocess.run([sys.executable, "-m", "ingest", "corpus", "--index", str(index), "--quiet"], cwd=REPO, check=True,
                           stdout=subprocess.DEVNULL)
        proc, url = start_server(index, args.workers)
        try:
            t0 = time.monotonic()
            stats = asyncio.run(run_load(url, args.users, args.seconds))
            elapsed = time.monotonic() - t0
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    total = len(stats["/ask"]) + len(stats["/search"])
    fivexx = sum(n for code, n in stats["status"].items() if code >= 500)
    print(f"load: {args.users} users, {args.seconds:.0f} s, {args.workers} workers, {os.cpu_count()} CPUs")
    print(f"requests: {total} ({total / elapsed:.1f}/s)  status: {dict(sorted(stats['status'].items()))}")
    print(f"5xx: {fivexx}  connection errors: {len(stats['errors'])}")
    for path in ("/search", "/ask", "/health"):
        ms = [v * 1000 for v in stats[path]]
        if ms:
            print(f"{path:8s} n={len(ms):5d}  p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
                  f"p99 {percentile(ms, 99):7.1f} ms  mean {statistics.fmean(ms):7.1f} ms")
    return 0 if fivexx == 0 and not stats["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
