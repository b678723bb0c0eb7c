"""`python -m ingest` as a user runs it."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def ingest(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ingest", *map(str, args)], cwd=REPO, capture_output=True, text=True)


@pytest.mark.slow
def test_ingest_then_rerun_skips_unchanged_then_updates_changed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(REPO / "corpus" / "003_02f4682a8e564762.txt", docs)
    (docs / "notes.bin").write_bytes(b"\x00\x01")
    index = tmp_path / "index"

    first = ingest(docs, "--index", index)
    assert first.returncode == 0, first.stderr
    assert "added 1" in first.stdout and "skipped notes.bin" in first.stdout

    again = ingest(docs, "--index", index)
    assert "added 0, updated 0, unchanged 1" in again.stdout and "index unchanged" in again.stdout

    (docs / "003_02f4682a8e564762.txt").write_text("Tiêu đề mới\nNội dung đã thay đổi hoàn toàn.", encoding="utf-8")
    changed = ingest(docs, "--index", index)
    assert "updated 1" in changed.stdout


def test_missing_path_is_a_clear_error(tmp_path):
    r = ingest(tmp_path / "nope", "--index", tmp_path / "index")
    assert r.returncode != 0 and "no such file or folder" in r.stderr
    assert not (tmp_path / "index" / "CURRENT").exists()



@pytest.mark.slow
def test_delete_removes_a_document(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ["003_02f4682a8e564762.txt", "000_26c842c1430eb98e.txt"]:
        shutil.copy(REPO / "corpus" / name, docs)
    index = tmp_path / "index"
    assert ingest(docs, "--index", index, "--quiet").returncode == 0

    r = ingest("--delete", "003_02f4682a8e564762.txt", "--index", index)
    assert r.returncode == 0 and "deleted 1" in r.stdout

    from tests.helpers import faiss_reader

    reader = faiss_reader(index)
    assert [d.source for d in reader.documents()] == ["000_26c842c1430eb98e.txt"]

    unknown = ingest("--delete", "nope.txt", "--index", index)
    assert unknown.returncode != 0 and "not in the index" in unknown.stdout


def test_no_arguments_is_a_usage_error(tmp_path):
    r = ingest("--index", tmp_path / "index")
    assert r.returncode == 2 and "--delete" in r.stderr
