"""A small job end to end: `python -m ingest ONE_FILE --index INDEX` into a copy of the sample corpus's index, as an
official adding one resolution would run it, wall time from process start to exit.

Each checkout given (this one by default; `--other DIR` adds another, e.g. a `git worktree` of an older commit)
and each ingest embedder given runs in turn, round after round (interleaved, so load from other processes falls on
all alike), every time on a fresh copy of the same index with a file it has never seen. Printed: median and
fastest seconds, and the ratio to the first column. Also the floor: a run with nothing new (the file already
indexed) and a bare `python -c "import ingest.pipeline"`.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, load_average

NOTICE = (
    "THÔNG BÁO\n\nSố {n}: Cổng dịch vụ công của tỉnh được khai trương vào tháng ba năm nay. Người dân nộp hồ sơ "
    "trực tuyến mức độ 4 cho 120 thủ tục hành chính, không phải đến trụ sở Ủy ban nhân dân xã.\n"
)


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def run(rounds: int = 5, others: list[Path] | None = None, embedders: list[str] | None = None) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-small-"))
    base = work / "sample-index"
    subprocess.run([sys.executable, "-m", "ingest", "corpus", "--index", str(base), "--quiet"], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    columns = [(checkout, embedder) for checkout in [REPO, *(others or [])] for embedder in (embedders or ["auto"])]
    times: dict[tuple[Path, str], list[float]] = {c: [] for c in columns}
    n = 0
    for _ in range(rounds):
        for checkout, embedder in columns:
            n += 1
            index = work / f"index-{n}"
            shutil.copytree(base, index)
            notice = work / f"thong-bao-{n}.txt"
            notice.write_text(NOTICE.format(n=n), encoding="utf-8")
            env = {**os.environ, "POLICYQA_INGEST_EMBEDDER": embedder, "TQDM_DISABLE": "1"}
            cmd = [sys.executable, "-m", "ingest", str(notice), "--index", str(index), "--quiet"]
            times[checkout, embedder].append(_timed(cmd, checkout, env))
            shutil.rmtree(index)
    unchanged = [_timed([sys.executable, "-m", "ingest", "corpus", "--index", str(base), "--quiet"], REPO,
                        {**os.environ}) for _ in range(rounds)]
    imports = [_timed([sys.executable, "-c", "import ingest.pipeline"], REPO, {**os.environ}) for _ in range(rounds)]
    shutil.rmtree(work, ignore_errors=True)

    print(f"one new file into the sample index ({rounds} rounds, interleaved; load average {load_average()})")
    first = statistics.median(times[columns[0]])
    for checkout, embedder in columns:
        t = times[checkout, embedder]
        name = "this checkout" if checkout == REPO else str(checkout)
        print(f"  {name:<34} ingest embedder {embedder:<13} median {statistics.median(t):6.2f} s   "
              f"fastest {min(t):6.2f} s   {statistics.median(t) / first:5.2f}× the first")
    print(f"  nothing new to embed (corpus/ again)                  median {statistics.median(unchanged):6.2f} s")
    print(f"  python -c 'import ingest.pipeline'                    median {statistics.median(imports):6.2f} s")
