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


@pytest.mark.slow
def test_html_pdf_and_docx_files_are_ingested(tmp_path, make_pdf, make_docx, news_page_html):
    """The three binary-ish formats through the CLI of this very install (trafilatura's HTML cleaner, pypdf and
    python-docx must all be importable from the locked environment)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bai-bao.html").write_text(news_page_html, encoding="utf-8")
    (docs / "quyet-dinh.pdf").write_bytes(make_pdf([["QUYẾT ĐỊNH", "Điều 1. Phí cấp bản sao trích lục là 8.000 đồng."]]))
    (docs / "ke-hoach.docx").write_bytes(make_docx(["KẾ HOẠCH", "Năm 2025 tỉnh trồng mới 1.200 ha rừng gỗ lớn."]))
    index = tmp_path / "index"
    r = ingest(docs, "--index", index, "--quiet")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "added 3" in r.stdout and "skipped 0" in r.stdout

    from tests.helpers import faiss_reader

    reader = faiss_reader(index)
    for query, source in [("nền tảng chia sẻ dữ liệu", "bai-bao.html"), ("bản sao trích lục", "quyet-dinh.pdf"),
                          ("rừng gỗ lớn", "ke-hoach.docx")]:
        assert reader.search_lexical(query, 1, 0.3)[0].source == source


@pytest.mark.slow
def test_a_file_that_cannot_be_read_is_named_and_the_exit_code_says_so(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(REPO / "corpus" / "003_02f4682a8e564762.txt", docs)
    index = tmp_path / "index"
    assert ingest(docs, "--index", index, "--quiet").returncode == 0
    live = (index / "CURRENT").read_text()

    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is no PDF at all")
    r = ingest(broken, "--index", index, "--quiet")
    assert r.returncode == 1 and "hong.pdf" in r.stderr and "skipped hong.pdf" in r.stdout
    assert (index / "CURRENT").read_text() == live  # nothing could be read, so nothing was written

    # In a folder: what can be read is committed whole, the rest named; the exit code still says it failed.
    shutil.copy(broken, docs / "hong.pdf")
    shutil.copy(REPO / "corpus" / "000_26c842c1430eb98e.txt", docs)
    r = ingest(docs, "--index", index, "--quiet")
    assert r.returncode == 1 and "hong.pdf" in r.stderr and "added 1" in r.stdout

    from tests.helpers import faiss_reader

    assert sorted(d.source for d in faiss_reader(index).documents()) == [
        "000_26c842c1430eb98e.txt", "003_02f4682a8e564762.txt"]
