"""Faults during ingest and damaged index files: a clean error, and the previous index intact."""
import errno
import shutil
import sqlite3
import subprocess
import sys

import faiss
import pytest

from ingest.pipeline import IngestPipeline
from retriever.settings import Settings
from retriever.store.faiss import current_version
from tests.helpers import CORPUS, REPO, faiss_reader


@pytest.fixture
def index_with_one_doc(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / "003_02f4682a8e564762.txt", docs)
    index = tmp_path / "index"
    IngestPipeline(Settings(index_dir=index), embedder).run([docs], index)
    return index


def test_disk_full_during_commit_leaves_previous_index(index_with_one_doc, embedder, tmp_path, monkeypatch):
    index = index_with_one_doc
    good = current_version(index)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(faiss, "write_index", no_space)
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(CORPUS / "000_26c842c1430eb98e.txt", more)
    with pytest.raises(OSError, match="No space"):
        IngestPipeline(Settings(index_dir=index), embedder).run([more], index)
    assert current_version(index) == good
    assert [d.source for d in faiss_reader(index).documents()] == ["003_02f4682a8e564762.txt"]
    assert not list((index / "versions").glob(".staging-*"))

    monkeypatch.undo()
    IngestPipeline(Settings(index_dir=index), embedder).run([more], index)
    assert faiss_reader(index).document_count == 2


def test_disk_full_is_a_clean_cli_error(index_with_one_doc, tmp_path):
    # A tiny quota: the new version cannot be written. RLIMIT_FSIZE makes writes past 64 KiB fail with EFBIG.
    more = tmp_path / "more"
    more.mkdir()
    for src in CORPUS.glob("*.txt"):
        shutil.copy(src, more)
    code = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536)); "
        "from ingest.__main__ import main; sys.exit(main(sys.argv[1:]))"
    )
    good = current_version(index_with_one_doc)
    r = subprocess.run(
        [sys.executable, "-c", code, str(more), "--index", str(index_with_one_doc), "--quiet"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert r.returncode != 0
    assert "error:" in r.stderr and "Traceback" not in r.stderr
    assert current_version(index_with_one_doc) == good
    assert faiss_reader(index_with_one_doc).document_count == 1


def test_corrupted_sqlite_is_refused_at_api_start_up(index_with_one_doc):
    store = index_with_one_doc / "versions" / current_version(index_with_one_doc) / "store.sqlite"
    with sqlite3.connect(store) as db:  # a change behind the index's back: the checksum no longer matches
        db.execute("UPDATE chunks SET text = 'sai lệch' WHERE id = 1")
    r = subprocess.run(
        [sys.executable, "-m", "api", "--index", str(index_with_one_doc), "--port", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert r.returncode != 0 and "corrupt" in r.stderr and "Traceback" not in r.stderr
