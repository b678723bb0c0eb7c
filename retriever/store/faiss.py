"""The on-disk index: FAISS vectors + SQLite documents and chunks, written as immutable versions.

Layout of an index folder::

    CURRENT                  name of the live version (replaced atomically with os.replace)
    versions/<name>/         one committed version, never modified after commit
        vectors.faiss        FAISS IndexIDMap2(IndexFlatIP); ids are chunk row ids
        ann.faiss            above ann_threshold passages only: IVF or HNSW over the same ids (store/faiss_ann.py)
        store.sqlite         documents, chunks, MinHash signatures of documents
        bm25/                BM25 over the same chunks (store/bm25.py), rebuilt from store.sqlite
        manifest.json        embedder, counts, tokenizer, SHA-256 of every file above
    .lock                    held by the one writer at a time

A writer copies the live version into a staging folder, changes it, and commits by renaming the staging
folder into versions/ and then swapping CURRENT. A crash at any point leaves CURRENT naming the last good
version; leftovers of staging folders are removed by the next writer.

Every commit writes a new BM25 index for the staged SQLite chunks, so the dense and lexical sides of a version
always describe the same passages: from the live version's stored term counts, tokenizing only the passages
this transaction added (bm25.build_incremental; scores equal to a rebuild's), or, for a version written
before term counts were stored, another tokenizer or bm25_incremental off, rebuilt from every passage (the
manifest's `lexical.how` and `lexical.seconds` say which and how long).
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import faiss
import numpy as np

from retriever.errors import IndexUnavailable
from retriever.filters import Filters
from retriever.settings import Settings
from retriever.store import bm25, common
from retriever.store import faiss_ann as ann
from retriever.text import dedup
from retriever.types import METADATA_FIELDS, Chunk, Document, DocumentInfo, Hit, NearDuplicate

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: bm25/ and document signatures; 3: document dates, type, number, issuer
READABLE_BY_WRITER = (1, 2, FORMAT_VERSION)  # a writer upgrades an older version on its next commit
VECTORS = "vectors.faiss"
ANN = "ann.faiss"  # approximate search index (store/faiss_ann.py), only above ann_threshold vectors
STORE = "store.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    url TEXT,
    publisher TEXT,
    content_hash TEXT NOT NULL,
    ingested_at REAL NOT NULL{metadata_columns}
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    section TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS signatures (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    minhash BLOB NOT NULL
);
""".format(metadata_columns="".join(f",\n    {name} TEXT" for name in METADATA_FIELDS))


def current_version(index_dir: Path) -> str | None:
    """Name of the live version, or None when no index was ever committed."""
    try:
        name = (Path(index_dir) / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def verify_version(path: Path, formats: tuple[int, ...] = (FORMAT_VERSION,)) -> dict:
    """Read a version's manifest and check every file it lists against its checksum."""
    manifest = common.read_manifest(path)
    if manifest.get("format") not in formats:
        raise IndexUnavailable(
            f"index version {path} has format {manifest.get('format')}, expected {FORMAT_VERSION}; "
            "run python -m ingest again (with any path) to upgrade it"
        )
    common.verify_checksums(path, manifest.get("sha256", {}))
    return manifest


class FaissWriter:
    """Changes an index as one transaction: `with FaissWriter(settings, name, dim, dir) as w: ...; w.commit()`.

    Leaving the block without commit() discards every change.
    """

    def __init__(self, settings: Settings, embedder_name: str, dim: int, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.embedder_name = embedder_name
        self.dim = dim
        self.settings = settings
        self._ann_previous: faiss.Index | None = None  # the live version's approximate index, updated at commit
        self._live: Path | None = None  # the version this transaction started from
        self._removed: list[int] = []  # chunk row ids deleted and written in this transaction
        self._added: list[int] = []
        self._lock = common.WriterLock(
            self.index_dir / ".lock", f"another ingest is writing {self.index_dir}; try again when it ends"
        )
        self._staging: Path | None = None
        self._db: sqlite3.Connection | None = None
        self._vectors: faiss.IndexIDMap2 | None = None
        self._written: set[str] = set()  # doc_ids upserted in this transaction
        self.changed = False

    # -- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> FaissWriter:
        (self.index_dir / "versions").mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        self._remove_leftovers()
        self._staging = self.index_dir / "versions" / f".staging-{uuid.uuid4().hex[:12]}"
        self._staging.mkdir()
        live = current_version(self.index_dir)
        if live:
            src = self.index_dir / "versions" / live
            manifest = verify_version(src, formats=READABLE_BY_WRITER)
            if manifest["embedder"] != self.embedder_name:
                raise IndexUnavailable(
                    f"the index at {self.index_dir} was built with {manifest['embedder']}, not "
                    f"{self.embedder_name}; choose that embedder or build a new index in another folder"
                )
            shutil.copyfile(src / STORE, self._staging / STORE)
            self._live = src
            self._vectors = faiss.read_index(str(src / VECTORS))
            if (src / ANN).exists():
                self._ann_previous = faiss.read_index(str(src / ANN))
            # An older format or tokenizer is rebuilt by committing, even when no document changes.
            tokenizer = manifest.get("lexical", {}).get("tokenizer")
            if manifest["format"] != FORMAT_VERSION or tokenizer != bm25.tokenizer_id():
                self.changed = True
        else:
            self._vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        self._db = sqlite3.connect(self._staging / STORE)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)
        # Versions of format < 3 lack the metadata columns; add them so their documents carry NULLs.
        have = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        for column in METADATA_FIELDS:
            if column not in have:
                self._db.execute(f"ALTER TABLE documents ADD COLUMN {column} TEXT")
        return self

    def __exit__(self, *exc) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._staging is not None and self._staging.exists():
            shutil.rmtree(self._staging, ignore_errors=True)
        self._lock.release()

    def _remove_leftovers(self) -> None:
        for p in (self.index_dir / "versions").glob(".staging-*"):
            shutil.rmtree(p, ignore_errors=True)

    # -- reads -----------------------------------------------------------------------------------------
    def content_hash(self, source: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM documents WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def sources(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT source FROM documents ORDER BY source")]

    # -- changes ---------------------------------------------------------------------------------------
    def delete(self, source: str) -> bool:
        """Remove a document and all its chunks; False when it was not indexed."""
        row = self._db.execute("SELECT doc_id FROM documents WHERE source = ?", (source,)).fetchone()
        if not row:
            return False
        ids = [r[0] for r in self._db.execute("SELECT id FROM chunks WHERE doc_id = ?", (row[0],))]
        if ids:
            self._vectors.remove_ids(np.asarray(ids, dtype=np.int64))
            self._removed.extend(ids)
        self._db.execute("DELETE FROM chunks WHERE doc_id = ?", (row[0],))
        self._db.execute("DELETE FROM documents WHERE doc_id = ?", (row[0],))
        self.changed = True
        return True

    def upsert(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Add a document, replacing any earlier version of the same source."""
        vectors = common.checked_vectors(chunks, vectors, self.dim)
        self.delete(doc.source)
        columns = ("doc_id", "source", "title", "url", "publisher", "content_hash", "ingested_at", *METADATA_FIELDS)
        self._db.execute(
            f"INSERT INTO documents({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            (doc.doc_id, doc.source, doc.title, doc.url, doc.publisher, doc.content_hash, time.time())
            + tuple(doc.metadata().values()),
        )
        ids = []
        for c in chunks:
            cur = self._db.execute(
                "INSERT INTO chunks(chunk_id, doc_id, position, section, text, start_char, end_char)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (c.chunk_id, c.doc_id, c.position, c.section, c.text, c.start_char, c.end_char),
            )
            ids.append(cur.lastrowid)
        if ids:
            self._vectors.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
            self._added.extend(ids)
        self._db.execute(
            "INSERT INTO signatures(doc_id, minhash) VALUES (?, ?)", (doc.doc_id, dedup.signature(doc.text).tobytes())
        )
        self._written.add(doc.doc_id)
        self.changed = True

    def near_duplicates(self, threshold: float) -> list[NearDuplicate]:
        """Documents written in this transaction whose text nearly repeats another indexed document."""
        if not self._written:
            return []
        rows = self._db.execute(
            "SELECT s.doc_id, d.source, s.minhash FROM signatures s JOIN documents d ON d.doc_id = s.doc_id"
        ).fetchall()
        sources = {doc_id: source for doc_id, source, _ in rows}
        signatures = {doc_id: np.frombuffer(blob, dtype=np.uint32) for doc_id, _, blob in rows}
        return common.near_duplicates_of(self._written, signatures, sources, threshold)

    def _build_lexical(self) -> dict:
        started = time.perf_counter()
        query = ("SELECT c.id, d.title, c.section, c.text FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"
                 " WHERE c.id >= ? ORDER BY c.id")
        previous = self._live / common.LEXICAL if self._live is not None and self.settings.bm25_incremental else None
        files, how, _ = common.write_bm25(
            self._staging, lambda first: self._db.execute(query, (first,)), previous, self._removed
        )
        return {
            "tokenizer": bm25.tokenizer_id(),
            "how": how,
            "seconds": round(time.perf_counter() - started, 2),
            "files": files,
        }

    def commit(self) -> str:
        """Make the staged changes the live index, atomically. Returns the new version's name."""
        self._db.commit()
        counts = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM chunks)"
        ).fetchone()
        if counts[1] != self._vectors.ntotal:
            raise IndexUnavailable(f"internal error: {counts[1]} chunks but {self._vectors.ntotal} vectors")
        lexical_info = self._build_lexical()
        self._db.close()
        self._db = None
        faiss.write_index(self._vectors, str(self._staging / VECTORS))
        lexical_files = lexical_info.pop("files")  # written and fsynced by write_bm25
        files = [STORE, VECTORS, *lexical_files]
        # Exact below ann_threshold; above, an IVF or HNSW index beside the exact vectors (store/faiss_ann.py).
        started = time.perf_counter()
        search_index, how = ann.update_vector_index(
            self._ann_previous, self._vectors, self.settings, self._removed, self._added
        )
        if search_index is not self._vectors:
            faiss.write_index(search_index, str(self._staging / ANN))
            files.append(ANN)
        vectors_info = {**ann.describe(search_index), "how": how, "seconds": round(time.perf_counter() - started, 2)}
        for name in files:
            if name not in lexical_files:
                common.fsync_path(self._staging / name)
        common.write_manifest(self._staging, {
            "format": FORMAT_VERSION,
            "embedder": self.embedder_name,
            "dim": self.dim,
            "documents": counts[0],
            "chunks": counts[1],
            "lexical": lexical_info,
            "vectors": vectors_info,
            "created_at": time.time(),
            "sha256": common.checksums(self._staging, files),
        })
        common.fsync_path(self._staging)

        # Names sort in commit order, which pruning relies on.
        name = f"v{time.time_ns():020d}"
        final = self.index_dir / "versions" / name
        os.rename(self._staging, final)
        self._staging = None
        common.fsync_path(final.parent)
        tmp = self.index_dir / f"CURRENT.{uuid.uuid4().hex[:8]}.tmp"
        common.write_durably(tmp, name + "\n")
        os.replace(tmp, self.index_dir / "CURRENT")  # the commit point
        common.fsync_path(self.index_dir)
        common.prune_versions(self.index_dir / "versions", keep=name)
        return name


class FaissReader:
    """A read-only view of one committed version, safe to share between threads."""

    def __init__(self, settings: Settings, embedder_name: str | None, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._settings = settings
        name = current_version(self.index_dir)
        if name is None:
            raise IndexUnavailable(f"no index at {self.index_dir}; build one with: python -m ingest corpus/")
        self.version = name
        path = self.index_dir / "versions" / name
        self.manifest = verify_version(path)
        if embedder_name and self.manifest["embedder"] != embedder_name:
            raise IndexUnavailable(
                f"the index at {self.index_dir} was built with {self.manifest['embedder']}, but the configured "
                f"embedder is {embedder_name}"
            )
        self.dim = int(self.manifest["dim"])
        if ANN in self.manifest.get("sha256", {}):
            # Searched approximately; the exact vectors stay on disk, memory-mapped (1.5 GB at 1M passages that
            # are not resident), read only by reconstruct() for the cosines of BM25-only hits.
            self._vectors = faiss.read_index(str(path / VECTORS), getattr(faiss, "IO_FLAG_MMAP_IFC", 0))
            self._search_index = ann.configure_search(faiss.read_index(str(path / ANN)), settings)
        else:
            self._vectors = faiss.read_index(str(path / VECTORS))
            self._search_index = ann.configure_search(self._vectors, settings)
        self.lexical = bm25.LexicalIndex(path / common.LEXICAL)
        if self.lexical.tokenizer != bm25.tokenizer_id():
            # Still usable, only less exact: terms the new rules add are missing from the index.
            log.warning("the BM25 index of %s was built with another tokenizer; re-run python -m ingest", path)
        # The version never changes after commit, so SQLite may skip locking altogether.
        self._db = sqlite3.connect(f"file:{path / STORE}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._db_lock = threading.Lock()
        with self._db_lock:
            rows = self._db.execute(
                "SELECT d.doc_id, d.source, d.title, d.url, d.publisher, COUNT(c.id), "
                + ", ".join(f"d.{c}" for c in METADATA_FIELDS)
                + " FROM documents d LEFT JOIN chunks c ON c.doc_id = d.doc_id GROUP BY d.doc_id ORDER BY d.source"
            ).fetchall()
        self._documents = {r[0]: DocumentInfo(*r[:6], **dict(zip(METADATA_FIELDS, r[6:]))) for r in rows}

    @property
    def document_count(self) -> int:
        return len(self._documents)

    @property
    def chunk_count(self) -> int:
        return int(self._vectors.ntotal)

    def documents(self) -> list[DocumentInfo]:
        return list(self._documents.values())

    def search(self, query_vector: np.ndarray, top_k: int) -> list[Hit]:
        """Chunks by inner product with a normalized query vector, best first; dense_score is that product."""
        if self.chunk_count == 0:
            return []
        q = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
        ann.search_threads_here(self._settings)
        scores, ids = self._search_index.search(q, min(top_k, self.chunk_count))
        hits = self.hits([(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0])
        for h in hits:
            h.dense_score = h.score
        return hits

    def search_lexical(self, query: str, top_k: int, folded_weight: float) -> list[Hit]:
        """Chunks by BM25 score, best first."""
        return self.hits(self.lexical.search(query, top_k, folded_weight))

    def hits(self, scored_rowids: list[tuple[int, float]]) -> list[Hit]:
        """Hits for (chunk row id, score) pairs, in the order given."""
        by_id = self.chunks_by_rowid([i for i, _ in scored_rowids])
        return [
            common.make_hit(self._documents[doc_id], row_id, chunk_id, position, section, text, score)
            for i, score in scored_rowids
            if i in by_id
            for row_id, chunk_id, doc_id, position, section, text in [by_id[i]]
        ]

    def chunk_texts(self, doc_id: str) -> list[str]:
        """The texts of a document's chunks, in order."""
        with self._db_lock:
            rows = self._db.execute("SELECT text FROM chunks WHERE doc_id = ? ORDER BY position", (doc_id,)).fetchall()
        return [r[0] for r in rows]

    def vectors(self, rowids: list[int]) -> np.ndarray:
        """The stored passage vectors of these chunk row ids."""
        out = np.zeros((len(rowids), self.dim), dtype=np.float32)
        for n, i in enumerate(rowids):
            out[n] = self._vectors.reconstruct(int(i))
        return out

    def restricted(self, filters: Filters) -> None:
        """Filters are not pushed down into FAISS: SearchService filters the candidates of the whole version."""
        return None

    def chunks_by_rowid(self, ids: list[int]) -> dict[int, tuple]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._db_lock:
            rows = self._db.execute(
                f"SELECT id, chunk_id, doc_id, position, section, text FROM chunks WHERE id IN ({marks})", ids
            ).fetchall()
        return {r[0]: r for r in rows}

    def close(self) -> None:
        with self._db_lock:
            self._db.close()


class FaissStore:
    """The embedded store: a folder of versions on this machine (module docstring)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.index_dir = Path(settings.index_dir)

    @property
    def where(self) -> str:
        return str(self.index_dir)

    def open_reader(self, embedder_name: str | None) -> FaissReader:
        return FaissReader(self.settings, embedder_name, self.index_dir)

    def open_writer(self, embedder_name: str, dim: int) -> FaissWriter:
        return FaissWriter(self.settings, embedder_name, dim, self.index_dir)

    def live_version(self) -> str | None:
        return current_version(self.index_dir)
