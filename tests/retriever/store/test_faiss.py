"""The versioned on-disk index: commits are atomic, aborted writes leave the last good version."""
import numpy as np
import pytest

from retriever.errors import IndexUnavailable
from retriever.store.faiss import current_version
from retriever.types import Chunk, Document
from tests.helpers import faiss_reader, faiss_writer

DIM = 8


def doc(source: str, n: int = 2) -> tuple[Document, list[Chunk], np.ndarray]:
    d = Document(doc_id=source.replace("/", "_"), source=source, title=f"Tiêu đề {source}", text="x", content_hash=source)
    chunks = [Chunk(chunk_id=f"{d.doc_id}:{i}", doc_id=d.doc_id, position=i, text=f"{source} đoạn {i}") for i in range(n)]
    rng = np.random.default_rng(abs(hash(source)) % 2**32)
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    return d, chunks, v / np.linalg.norm(v, axis=1, keepdims=True)


def write(index_dir, *sources, delete=()):
    with faiss_writer(index_dir, "test-embedder", DIM) as w:
        for s in sources:
            w.upsert(*doc(s))
        for s in delete:
            w.delete(s)
        return w.commit()


def test_commit_then_read(tmp_path):
    write(tmp_path, "a.txt", "b.txt")
    r = faiss_reader(tmp_path, "test-embedder")
    assert r.document_count == 2 and r.chunk_count == 4
    _, chunks, vectors = doc("b.txt")
    hits = r.search(vectors[1], 1)
    assert hits[0].chunk_id == chunks[1].chunk_id and hits[0].source == "b.txt"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)


def test_upsert_replaces_and_delete_removes(tmp_path):
    write(tmp_path, "a.txt", "b.txt")
    write(tmp_path, "a.txt", delete=["b.txt"])
    r = faiss_reader(tmp_path, "test-embedder")
    assert [d.source for d in r.documents()] == ["a.txt"]
    assert r.chunk_count == 2
    _, _, vectors = doc("b.txt")
    assert all(h.source == "a.txt" for h in r.search(vectors[0], 5))


def test_write_without_commit_leaves_last_good_version(tmp_path):
    first = write(tmp_path, "a.txt")
    with pytest.raises(RuntimeError):
        with faiss_writer(tmp_path, "test-embedder", DIM) as w:
            w.upsert(*doc("b.txt"))
            raise RuntimeError("killed mid-ingest")
    assert current_version(tmp_path) == first
    assert [d.source for d in faiss_reader(tmp_path).documents()] == ["a.txt"]
    assert not list((tmp_path / "versions").glob(".staging-*"))


def test_leftover_staging_from_a_crash_is_cleaned(tmp_path):
    write(tmp_path, "a.txt")
    (tmp_path / "versions" / ".staging-deadbeef").mkdir()
    write(tmp_path, "b.txt")
    assert not (tmp_path / "versions" / ".staging-deadbeef").exists()


def test_old_versions_are_pruned(tmp_path):
    for s in ["a.txt", "b.txt", "c.txt", "d.txt"]:
        write(tmp_path, s)
    assert len([p for p in (tmp_path / "versions").iterdir()]) == 2


def test_corrupt_file_is_refused(tmp_path):
    name = write(tmp_path, "a.txt")
    vectors = tmp_path / "versions" / name / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:-10])
    with pytest.raises(IndexUnavailable, match="corrupt"):
        faiss_reader(tmp_path)


def test_other_embedder_is_refused(tmp_path):
    write(tmp_path, "a.txt")
    with pytest.raises(IndexUnavailable, match="test-embedder"):
        faiss_reader(tmp_path, "another-model")
    with pytest.raises(IndexUnavailable, match="test-embedder"):
        with faiss_writer(tmp_path, "another-model", DIM):
            pass


def test_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexUnavailable, match="python -m ingest"):
        faiss_reader(tmp_path / "nothing")


def test_one_writer_at_a_time(tmp_path):
    with faiss_writer(tmp_path, "test-embedder", DIM):
        with pytest.raises(IndexUnavailable, match="another ingest"):
            with faiss_writer(tmp_path, "test-embedder", DIM):
                pass
