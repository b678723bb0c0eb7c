"""Helpers shared by the benchmark commands: percentiles, the CPU's peak, memory, interleaved timing."""
from __future__ import annotations

import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evals.datasets import EVAL

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = EVAL / "seed_dev.jsonl"


def questions() -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency_line(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{label:34s} n={len(ms):4d}  p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
            f"p99 {percentile(ms, 99):7.1f} ms  mean {statistics.fmean(ms) if ms else float('nan'):7.1f} ms")


def peak_rss_mb() -> float:
    """Peak resident memory of this process, MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb(pid: int | None = None) -> float:
    """Current resident memory of a process, MB (VmRSS)."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6


@dataclass
class CPU:
    model: str
    cores: int
    ghz: float
    flags: set[str]
    vendor: str = "?"
    family: int = 0

    @property
    def half_width_avx512(self) -> bool:
        """AMD Zen 4 (family 0x19 with AVX-512) runs 512-bit instructions on 256-bit units: half the FLOP/cycle."""
        return self.vendor == "AuthenticAMD" and self.family == 0x19

    @property
    def peaks(self) -> dict[str, float]:
        """Peak FLOP/s (int8: operations/s) of the cores this process may use, by instruction set, at the nominal
        clock (/proc/cpuinfo; a core that boosts above it can pass 100%). FLOP per cycle per core: AVX-512 FMA
        fp32 2 units × 16 lanes × 2 = 64, AVX512-BF16 (VDPBF16PS) 128, AVX512-VNNI int8 (VPDPBUSD) 256, halved
        on Zen 4; AMX-BF16 TMUL 1024, AMX-INT8 2048."""
        hz = self.cores * self.ghz * 1e9
        width = 0.5 if self.half_width_avx512 else 1.0
        out = {"fp32 AVX-512 FMA": 64 * width * hz}
        if "avx512_bf16" in self.flags:
            out["bf16 AVX512-BF16"] = 128 * width * hz
        if "avx512_vnni" in self.flags:
            out["int8 AVX512-VNNI"] = 256 * width * hz
        if "amx_bf16" in self.flags:
            out["bf16 AMX"] = 1024 * hz
        if "amx_int8" in self.flags:
            out["int8 AMX"] = 2048 * hz
        return out

    def matrix_peak(self, kind: str) -> tuple[str, float]:
        """The best peak for matmuls of `kind` ("bf16" or "int8"), with its name; fp32 FMA where neither exists."""
        peaks = self.peaks
        for name in (f"{kind} AMX", f"{kind} AVX512-BF16", f"{kind} AVX512-VNNI"):
            if name in peaks:
                return name, peaks[name]
        return "fp32 AVX-512 FMA", peaks["fp32 AVX-512 FMA"]


def cpu() -> CPU:
    text = Path("/proc/cpuinfo").read_text()
    model, mhz, flags, vendor, family = "?", 0.0, set(), "?", 0
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "model name" and model == "?":
            model = value
        elif key == "vendor_id" and vendor == "?":
            vendor = value
        elif key == "cpu family" and not family:
            family = int(value)
        elif key == "cpu MHz" and not mhz:
            mhz = float(value)
        elif key == "flags" and not flags:
            flags = set(value.split())
    cores = len(os.sched_getaffinity(0))
    return CPU(model=model, cores=cores, ghz=mhz / 1000, flags=flags, vendor=vendor, family=family)


def interleaved(tasks: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Run every task once per round, in an order rotated each round, and return each one's durations, so
    that load from other processes on this shared machine falls on all of them alike."""
    names = list(tasks)
    times: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            t0 = time.perf_counter()
            tasks[name]()
            times[name].append(time.perf_counter() - t0)
    return times


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"
