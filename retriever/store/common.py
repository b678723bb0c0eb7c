"""What both stores share: the one-writer lock, the checks on what is written, durable checksummed files, the BM25
snapshot of a version, pruning of old versions, near-duplicate pairing and the making of a hit."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from retriever.errors import IndexUnavailable
from retriever.store import bm25
from retriever.text import dedup
from retriever.text.passages import passage_with_context
from retriever.types import Chunk, DocumentInfo, Hit, NearDuplicate

KEEP_VERSIONS = 2  # the live version and the previous one, which readers may still be serving
LEXICAL = "bm25"  # the BM25 folder inside a version or snapshot
MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fsync_path(path: Path) -> None:
    """fsync a file, or a folder (its entries)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    fsync_path(path)


def write_manifest(folder: Path, manifest: dict) -> None:
    write_durably(folder / MANIFEST, json.dumps(manifest, indent=2))


def read_manifest(folder: Path) -> dict:
    """A version's or snapshot's manifest; IndexUnavailable when it is missing or unreadable."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexUnavailable(f"{folder} has no readable manifest: {e}") from None


def verify_checksums(folder: Path, sha256: dict[str, str]) -> None:
    """Every listed file exists and has its recorded SHA-256; IndexUnavailable naming the first that does not."""
    for name, digest in sha256.items():
        file = folder / name
        if not file.exists() or sha256_file(file) != digest:
            raise IndexUnavailable(f"index file {file} is missing or corrupt (checksum mismatch); re-run ingest")


def checksums(folder: Path, names: Iterable[str]) -> dict[str, str]:
    return {name: sha256_file(folder / name) for name in names}


class WriterLock:
    """An exclusive lock file: one writer at a time per store. Not blocking: a second ingest is told at once."""

    def __init__(self, path: Path, busy: str):
        self.path, self.busy = path, busy
        self._file = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "w")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            raise IndexUnavailable(self.busy) from None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # releases the flock
            self._file = None


def checked_vectors(chunks: list[Chunk], vectors: np.ndarray, dim: int) -> np.ndarray:
    """The vectors of an upsert as contiguous float32, after checking there is one per chunk, of the index's size."""
    if len(chunks) != len(vectors):
        raise ValueError("one vector per chunk is required")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) and vectors.shape[1] != dim:
        raise ValueError(f"vectors have dimension {vectors.shape[1]}, the index {dim}")
    return vectors


def write_bm25(
    folder: Path,
    passages: Callable[[int], Iterable[tuple[int, str, str, str]]],
    previous: Path | None = None,
    removed: Iterable[int] = (),
) -> tuple[list[str], str, int]:
    """The BM25 index of a version in folder/bm25, every file fsynced: (its files' names relative to folder, how it
    was built, how many passages it holds). passages(first) gives the version's (row id, title, section, text)
    with row id ≥ first, in row-id order; passages are indexed as they are embedded, under title and section.

    With `previous` (the BM25 folder of the version this one was staged from) and `removed` (the row ids this
    commit deleted), only the passages added since are tokenized: row ids only grow, so they are those above the
    kept ones, and the stored term counts give the rest (store/bm25.py, build_incremental; same scores as a full
    build). Anything else builds it from every passage."""
    target = folder / LEXICAL
    names, how, count = None, "incremental", 0
    removed = list(removed)
    if previous is not None and bm25.reusable(previous):
        kept = np.setdiff1d(bm25.row_ids(previous), np.asarray(removed, dtype=np.int64))
        added = [(row_id, passage_with_context(*parts)) for row_id, *parts in
                 passages(int(kept.max()) + 1 if len(kept) else 0)]
        names = bm25.build_incremental(previous, target, removed, added)
        count = len(kept) + len(added)
    if names is None:
        shutil.rmtree(target, ignore_errors=True)
        how, count = "full", 0

        def every_passage():
            nonlocal count
            for row_id, *parts in passages(0):
                count += 1
                yield row_id, passage_with_context(*parts)

        names = bm25.build(target, every_passage())
    for name in names:
        fsync_path(target / name)
    fsync_path(target)
    return [f"{LEXICAL}/{name}" for name in names], how, count


def prune_versions(folder: Path, keep: str | None = None) -> None:
    """Remove all but the KEEP_VERSIONS newest versions ("v…" folders, named in commit order) of folder."""
    versions = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.startswith("v"))
    for old in versions[:-KEEP_VERSIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def near_duplicates_of(
    written: set[str], signatures: dict[str, np.ndarray], sources: dict[str, str], threshold: float
) -> list[NearDuplicate]:
    """The documents in `written` whose MinHash signature nearly matches another indexed document's."""
    found = []
    for a, b, similarity in dedup.similar_pairs(signatures, written, threshold):
        first, other = (a, b) if a in written else (b, a)
        found.append(NearDuplicate(sources[first], sources[other], similarity))
    return found


def make_hit(
    doc: DocumentInfo, row_id: int, chunk_id: str, position: int, section: str, text: str, score: float
) -> Hit:
    """A passage of `doc` as search returns it: the passage's own fields and its document's metadata."""
    return Hit(
        row_id=row_id,
        chunk_id=chunk_id,
        doc_id=doc.doc_id,
        source=doc.source,
        title=doc.title,
        url=doc.url,
        text=text,
        score=score,
        publisher=doc.publisher,
        section=section,
        position=position,
        **doc.metadata(),
    )
