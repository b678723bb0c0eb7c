"""The vector index by corpus size: exact below the threshold, IVF or HNSW above; recall, deletes, updates."""
from __future__ import annotations

import os

import faiss
import numpy as np
import pytest

from retriever.settings import Settings
from retriever.store import faiss_ann as ann

DIM = 64


def clustered(n: int, seed: int = 0, clusters: int = 400) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((clusters, DIM)).astype(np.float32)
    x = centers[rng.integers(0, clusters, n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = clustered(6000)
    ids = np.arange(10, 10 + len(x), dtype=np.int64) * 3  # chunk row ids: any int64, not positions
    queries = clustered(100, seed=1)
    return x, ids, queries


def exact_top(x, ids, queries, k=10):
    return ids[np.argsort(-(queries @ x.T), axis=1)[:, :k]]


def settings(**kw) -> Settings:
    return Settings(**{"ann_threshold": 1000, **kw})


def test_kind_by_size():
    s = Settings()
    assert ann.choose_kind(10, s) == "flat"
    assert ann.choose_kind(s.ann_threshold - 1, s) == "flat"
    assert ann.choose_kind(s.ann_threshold, s) == s.ann_index
    assert ann.choose_kind(10**6, s.model_copy(update={"ann_index": "hnsw"})) == "hnsw"


def test_auto_nlist():
    assert ann.auto_nlist(1_000_000) == 4096
    assert ann.auto_nlist(100_000) == 1024
    assert ann.auto_nlist(1000) <= 1000 // 39


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_recall_against_exact(data, kind):
    x, ids, queries = data
    s = settings(nprobe=64, ef_search=64)  # nlist 256 here: a quarter of the lists
    index = ann.build_vector_index(x, ids, s, kind)
    assert ann.kind_of(index) == kind and index.ntotal == len(x)
    _, found = index.search(queries, 10)
    recall = ann.recall_at_k(exact_top(x, ids, queries), found)
    assert recall >= (0.999 if kind == "flat" else 0.9), recall
    # Stored ids come back, and reconstruct works by id (approximately for 8-bit codes).
    assert np.allclose(index.reconstruct(int(ids[5])), x[5], atol=0.02)


def test_built_by_size(data):
    x, ids, _ = data
    assert ann.kind_of(ann.build_vector_index(x[:500], ids[:500], settings())) == "flat"
    assert ann.kind_of(ann.build_vector_index(x, ids, settings())) == "ivf"


def test_ivf_deletes_in_place(data):
    x, ids, queries = data
    index = ann.build_vector_index(x, ids, settings(nprobe=64), "ivf")
    gone = np.ascontiguousarray(ids[:3000:3])
    index.remove_ids(faiss.IDSelectorArray(len(gone), faiss.swig_ptr(gone)))
    assert index.ntotal == len(x) - len(gone)
    _, found = index.search(queries, 10)
    assert not set(found.ravel().tolist()) & set(gone.tolist())


def exact_index(x, ids) -> faiss.Index:
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))
    index.add_with_ids(x, ids)
    return index


def test_update_below_threshold_is_the_exact_index(data):
    x, ids, _ = data
    exact = exact_index(x[:500], ids[:500])
    index, how = ann.update_vector_index(None, exact, settings())
    assert index is exact and how == "flat"


def test_update_ivf_in_place_then_retrain_when_grown(data):
    x, ids, queries = data
    s = settings(nprobe=64)
    exact = exact_index(x[:3000], ids[:3000])
    first, how = ann.update_vector_index(None, exact, s)
    assert how == "rebuilt" and ann.kind_of(first) == "ivf"
    # A commit replaces 100 passages (removed under old ids, written under new ones) and adds 200.
    removed = ids[:100]
    exact.remove_ids(faiss.IDSelectorArray(len(removed), faiss.swig_ptr(np.ascontiguousarray(removed))))
    exact.add_with_ids(x[3000:3300], ids[3000:3300])
    second, how = ann.update_vector_index(first, exact, s, removed_ids=removed, added_ids=ids[3000:3300])
    assert how == "updated" and second.ntotal == exact.ntotal == 3200
    _, found = second.search(queries, 10)
    assert not set(found.ravel().tolist()) & set(removed.tolist())
    live_x = np.vstack([x[100:3300]])
    assert ann.recall_at_k(exact_top(live_x, ids[100:3300], queries), found) >= 0.9
    # Grown 6,000 / 3,000 with nlist fixed by size: auto nlist changes 2× or more → retrained.
    big = exact_index(x, ids)
    third, how = ann.update_vector_index(second, big, s.model_copy(update={"ann_threshold": 100}),
                                         added_ids=ids[3300:])
    assert how in ("updated", "rebuilt") and third.ntotal == len(x)


def test_hnsw_appends_and_rebuilds_on_delete(data):
    x, ids, queries = data
    s = settings(ann_index="hnsw", ef_search=64)
    exact = exact_index(x[:2000], ids[:2000])
    first, how = ann.update_vector_index(None, exact, s)
    assert how == "rebuilt" and ann.kind_of(first) == "hnsw"
    exact.add_with_ids(x[2000:2500], ids[2000:2500])
    second, how = ann.update_vector_index(first, exact, s, added_ids=ids[2000:2500])
    assert how == "updated" and second.ntotal == 2500
    gone = np.ascontiguousarray(ids[:50])
    exact.remove_ids(faiss.IDSelectorArray(len(gone), faiss.swig_ptr(gone)))
    third, how = ann.update_vector_index(second, exact, s, removed_ids=gone)
    assert how == "rebuilt" and third.ntotal == 2450  # HNSW cannot remove: rebuilt from the exact vectors
    _, found = third.search(queries, 10)
    assert not set(found.ravel().tolist()) & set(gone.tolist())


def test_describe(data):
    x, ids, _ = data
    d = ann.describe(ann.build_vector_index(x, ids, settings(nprobe=8), "ivf"))
    assert d["kind"] == "ivf" and d["nprobe"] == 8 and d["encoding"] == "sq8" and d["ntotal"] == len(x)


def test_round_trip_through_a_file(data, tmp_path):
    x, ids, queries = data
    index = ann.build_vector_index(x, ids, settings(nprobe=32), "ivf")
    faiss.write_index(index, str(tmp_path / "ann.faiss"))
    loaded = ann.configure_search(faiss.read_index(str(tmp_path / "ann.faiss")), settings(nprobe=32))
    assert np.array_equal(loaded.search(queries, 10)[1], index.search(queries, 10)[1])
    assert np.allclose(loaded.reconstruct(int(ids[7])), x[7], atol=0.02)


def test_nprobe_automatic_is_three_eighths_of_the_lists():
    assert ann.nprobe_for(4096, Settings()) == 1536
    assert ann.nprobe_for(4096, Settings(nprobe=64)) == 64
    assert ann.nprobe_for(16, Settings(nprobe=64)) == 16


# -- the index writer and reader (store/faiss.py) ---------------------------------------------------------------


def _doc(n: int, k: int, vectors: np.ndarray):
    from retriever.types import Chunk, Document

    d = Document(doc_id=f"d{n}", source=f"d{n}.txt", title=f"Văn bản {n}", text="x", content_hash=str(n))
    chunks = [Chunk(chunk_id=f"d{n}:{i}", doc_id=d.doc_id, position=i, text=f"đoạn {n}.{i}") for i in range(k)]
    return d, chunks, vectors


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_index_writes_and_reads_the_approximate_index(tmp_path, kind):
    from retriever.store.faiss import ANN
    from tests.helpers import faiss_reader, faiss_writer

    x = clustered(3000, seed=3)
    s = Settings(ann_threshold=1000, ann_index=kind, nprobe=64, ef_search=64)
    with faiss_writer(tmp_path, "test-embedder", DIM, settings=s) as w:
        for n in range(300):
            w.upsert(*_doc(n, 10, x[n * 10 : n * 10 + 10]))
        w.commit()
    r = faiss_reader(tmp_path, "test-embedder", settings=s)
    assert (tmp_path / "versions" / r.version / ANN).exists() and r.manifest["vectors"]["kind"] == kind
    hits = r.search(x[123], 5)
    assert hits[0].chunk_id == "d12:3" and hits[0].score == pytest.approx(1.0, abs=0.02)
    assert np.allclose(r.vectors([hits[0].row_id])[0], x[123], atol=1e-6)  # exact vectors kept for reconstruct
    # Replacing a document and deleting another: neither old passage can come back.
    with faiss_writer(tmp_path, "test-embedder", DIM, settings=s) as w:
        w.upsert(*_doc(12, 10, clustered(10, seed=9)))
        w.delete("d13.txt")
        w.commit()
    r = faiss_reader(tmp_path, "test-embedder", settings=s)
    assert r.manifest["vectors"]["how"] == ("updated" if kind == "ivf" else "rebuilt")
    assert r.chunk_count == 2990
    assert all(h.chunk_id != "d12:3" or h.score < 0.99 for h in r.search(x[123], 5))
    assert not [h for h in r.search(x[133], 10) if h.doc_id == "d13"]


def test_small_index_stays_exact(tmp_path):
    from retriever.store.faiss import ANN
    from tests.helpers import faiss_reader, faiss_writer

    x = clustered(50, seed=4)
    with faiss_writer(tmp_path, "test-embedder", DIM, settings=Settings()) as w:
        w.upsert(*_doc(1, 50, x))
        w.commit()
    r = faiss_reader(tmp_path, "test-embedder", settings=Settings())
    assert not (tmp_path / "versions" / r.version / ANN).exists() and r.manifest["vectors"]["kind"] == "flat"


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: OpenMP's default is already one thread")
def test_a_search_from_a_new_thread_uses_search_threads(tmp_path):
    """OpenMP's thread count is per thread: the API's worker threads must not search on every core."""
    import threading

    from tests.helpers import faiss_reader, faiss_writer

    x = clustered(50, seed=5)
    with faiss_writer(tmp_path, "test-embedder", DIM) as w:
        w.upsert(*_doc(1, 50, x))
        w.commit()
    reader = faiss_reader(tmp_path, "test-embedder", settings=Settings(search_threads=1))
    seen = []

    def search() -> None:
        seen.append(faiss.omp_get_max_threads())  # a new thread starts from OpenMP's default
        reader.search(x[0], 3)
        seen.append(faiss.omp_get_max_threads())

    t = threading.Thread(target=search)
    t.start()
    t.join()
    assert seen[0] > 1 and seen[1] == 1
