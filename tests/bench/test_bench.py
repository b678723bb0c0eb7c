"""The benchmark commands' pieces (never timings): the Pháp điển reader, percentiles, the CPU's peak, the CLI."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from bench.common import CPU, REPO, percentile
from bench.phapdien import PHAPDIEN, read_phapdien


def test_reader_skips_empty_articles_and_keeps_ids(tmp_path):
    path = tmp_path / "p.jsonl.gz"
    rows = [
        {"id": "a1", "title": "Điều 1. Phạm vi", "text": "Luật này quy định về thanh niên."},
        {"id": "a2", "title": "Điều 2. (trống)", "text": ""},
        {"id": "a3", "title": "Điều 3. Đối tượng", "text": "  Áp dụng với công dân.  "},
    ]
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    records = list(read_phapdien(path))
    assert [(r.source, r.title) for r in records] == [("a1", "Điều 1. Phạm vi"), ("a3", "Điều 3. Đối tượng")]
    assert records[1].text == "Áp dụng với công dân."
    assert [r.source for r in read_phapdien(path, limit=1)] == ["a1"]


@pytest.mark.skipif(not PHAPDIEN.exists(), reason="the shared Pháp điển file is not here")
def test_reader_on_the_shared_corpus():
    records = list(read_phapdien(limit=50))
    assert len(records) == 50 and all(r.text and r.source for r in records)
    assert not (REPO / "phapdien_articles.jsonl.gz").exists()  # read in place, never copied


def test_percentile():
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile(list(range(101)), 95) == 95


def test_cpu_peaks():
    cpu = CPU(model="x", cores=2, ghz=2.6, flags={"avx512f", "amx_bf16", "avx512_bf16"})
    assert cpu.peaks["fp32 AVX-512 FMA"] == pytest.approx(2 * 2.6e9 * 64)
    assert cpu.peaks["bf16 AMX"] == pytest.approx(2 * 2.6e9 * 1024)


def test_cli_lists_the_benchmarks():
    out = subprocess.run([sys.executable, "-m", "bench", "--help"], cwd=REPO, capture_output=True, text=True, check=True)
    for name in ("embed", "ingest", "query", "ann", "scale", "ocr"):
        assert name in out.stdout


def test_edit_distance_and_accuracy():
    from bench.ocr import accuracy, edit_distance

    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3 and edit_distance("abc", "") == 3
    assert edit_distance("Hóa", "Hoa") == 1  # a tone mark is one character
    acc, base = accuracy(["Thanh Hóa  ngày 5"], ["Thanh Hoa ngày 5"])
    assert acc == pytest.approx(1 - 1 / 17) and base == 1.0


def test_drawn_page_holds_what_it_says():
    from bench.ocr import draw_page

    page, shown = draw_page("Điều 1. " + "Nội dung quy định " * 400, dpi=100)
    assert page.size == (827, 1169) and shown.startswith("Điều 1. Nội dung") and len(shown) < 400 * 18
