"""The Milvus store: passages, their vectors and documents in Milvus, shared by every API replica.

Three collections per `milvus_collection_prefix`:

    <prefix>_chunks      one row per passage: row_id (primary key), vector, chunk_id, doc_id, position, section,
                         text, offsets, and the document fields filters need (source, folders, doc_type_key,
                         publisher_key, year), so filters run inside Milvus's search (filter_expression)
    <prefix>_documents   one row per document version: metadata, content hash, chunk count, MinHash signature
    <prefix>_meta        one row: embedder, dim, the committed version, the next row id

Milvus has no transactions, so versions are in the rows: every row carries `added` (the version that wrote it)
and `removed` (the version that removed it, 0 while live), and a reader of version V sees exactly the rows with
added <= V and not removed by V. A writer writes version V+1's rows, marks the rows it replaces, then bumps the
meta row: that single-row upsert is the commit, so readers see a replaced document either whole before or whole
after, never a mix and never missing. Rows removed by an earlier commit are deleted at the next one (the previous
version stays readable for replicas that have not reloaded yet); rows of a writer that died before its commit are
deleted by the next writer. Collections are created with Strong consistency: a replica that has read the new
meta row also sees every row written before it.

BM25 stays beside Milvus: each commit writes a bm25s snapshot (store/bm25.py) of its passages into
<index_dir>/milvus-<prefix>/<version>/, a folder every replica must share, and readers load the one their version
names. Milvus's own full-text search was measured on Milvus Lite 3.2.2 and not used: it scores in Python
(895 ms a query on ALQAC's 2,281 passages, against 1.8 ms for bm25s), keeps IDF statistics per segment (its top
10 matched bm25s's on 92 of 520 questions), and its only analyzers (standard, jieba) would split our terms.
The shared folder also holds the writers' lock: one ingest at a time per store.
"""
from __future__ import annotations

import base64
import copy
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pymilvus import DataType, MilvusClient, MilvusException

from retriever.errors import IndexUnavailable
from retriever.filters import Filters, matches
from retriever.settings import Settings
from retriever.store import bm25, common
from retriever.text import dedup
from retriever.types import METADATA_FIELDS, Chunk, Document, DocumentInfo, Hit, NearDuplicate

log = logging.getLogger(__name__)


class _WithoutLiteNoise(logging.Filter):
    """Milvus Lite allocates no timestamps. pymilvus's query iterator warns so on every scan, then pages by primary
    key, which is all scan() needs; creating a collection asks for one too, and Lite's gRPC server, running in this
    process, logs the unimplemented call with a traceback while pymilvus goes on. Neither is an error here."""

    def filter(self, record: logging.LogRecord) -> bool:
        unimplemented = record.exc_info is not None and isinstance(record.exc_info[1], NotImplementedError)
        return "mvccTs" not in record.getMessage() and not unimplemented


_LITE_NOISE = _WithoutLiteNoise()


def _quiet_lite() -> None:
    """Installs the filter above once; called when a connection opens, not at import."""
    for name in ("pymilvus.client.iterator.query_iterator", "grpc._server"):
        logger = logging.getLogger(name)
        if _LITE_NOISE not in logger.filters:
            logger.addFilter(_LITE_NOISE)

FORMAT = 1  # of the collections' fields; a store of another format is refused
STORE_KEY = "store"  # the meta row's key
MAX_VARCHAR = 65535  # Milvus's largest VARCHAR, in bytes
MAX_FOLDERS = 64  # folder levels of a source kept for folder filters
MAX_LIMIT = 16384  # Milvus's largest search limit and query window
BATCH = 512  # rows per insert, upsert or query page: requests stay far below gRPC's message size
# Milvus wants a vector field in every collection; documents and meta have nothing to search, so a constant.
PLACEHOLDER = [1.0, 0.0]
HIT_FIELDS = ["row_id", "chunk_id", "doc_id", "position", "section", "text"]


def version_name(version: int) -> str:
    return f"v{version:012d}"


def visible(version: int) -> str:
    """The rows of one version, as a Milvus filter expression."""
    return f"added <= {version} and (removed == 0 or removed > {version})"


def string_literal(value: str) -> str:
    """A Milvus string literal of `value`: backslash, double quote and line breaks escaped, so no value can end
    the literal early or change the expression. Milvus and Milvus Lite read these four escapes alike; every
    other character, control characters included, stands for itself inside the quotes."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def folders(source: str) -> list[str]:
    """The folder prefixes of a source ("a/b/c.txt" → ["a/", "a/b/"]), for filters on a folder."""
    parts = source.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def filter_expression(filters: Filters) -> str:
    """Filters as a Milvus expression over the chunk fields: the rule of filters.matches(), in Milvus's language."""
    parts = []
    if filters.doc_type:
        parts.append(f"doc_type_key == {string_literal(filters.doc_type.casefold())}")
    if filters.publisher:
        parts.append(f"publisher_key == {string_literal(filters.publisher.casefold())}")
    if filters.source:
        if filters.source.endswith("/"):
            parts.append(f"array_contains(folders, {string_literal(filters.source)})")
        else:
            parts.append(f"source == {string_literal(filters.source)}")
    if filters.year_from is not None or filters.year_to is not None:
        parts.append("year != 0")  # no date: excluded by any year bound
        if filters.year_from is not None:
            parts.append(f"year >= {int(filters.year_from)}")
        if filters.year_to is not None:
            parts.append(f"year <= {int(filters.year_to)}")
    return " and ".join(parts) or "row_id >= 0"


# -- connection ---------------------------------------------------------------------------------------------------
def is_lite(uri: str) -> bool:
    return "://" not in uri and not uri.startswith("unix:")


class Connection:
    """One Milvus client and the collections it has loaded, owned by a MilvusStore and shared by the readers and
    writers it opens (gRPC is thread-safe). A Milvus Lite file opens in one client per process, so a process
    builds one store and passes it around (the API at start-up, a CLI run)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: MilvusClient | None = None
        self._loaded: set[str] = set()
        self._lock = threading.Lock()

    def client(self, create: bool) -> MilvusClient:
        """The client, connected on first use; with create=False a missing Lite file is an error, not created."""
        uri = self.settings.milvus_uri
        with self._lock:
            if self._client is not None:
                return self._client
            if is_lite(uri):
                if not create and not Path(uri).exists():
                    raise IndexUnavailable(f"no Milvus Lite store at {uri}; build one with: python -m ingest corpus/")
                Path(uri).parent.mkdir(parents=True, exist_ok=True)
            _quiet_lite()
            token = self.settings.milvus_token.get_secret_value() if self.settings.milvus_token else ""
            try:
                self._client = MilvusClient(uri=uri, token=token)
            except MilvusException as e:
                hint = (
                    f"; a Milvus Lite file opens in one process only: to share it, serve it with "
                    f"`milvus-lite server --data-dir {uri} --port 19530` and set "
                    "POLICYQA_MILVUS_URI=http://127.0.0.1:19530"
                    if is_lite(uri) else ""
                )
                raise IndexUnavailable(f"cannot open Milvus at {uri}: {e.message}{hint}") from None
            return self._client

    def ensure_loaded(self, *collections: str) -> None:
        """Load collections into memory once: Milvus answers no query on a released one, and a store opened by a
        new process (Milvus Lite) or after a server restart starts released."""
        for name in collections:
            if name not in self._loaded:
                self._client.load_collection(name)
                self._loaded.add(name)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
                self._loaded.clear()


@contextmanager
def milvus_errors(settings: Settings):
    """Milvus failures as IndexUnavailable, which the CLIs and the API report in one line."""
    try:
        yield
    except MilvusException as e:
        raise IndexUnavailable(f"Milvus at {settings.milvus_uri}: {e.message}") from None


class Collections:
    def __init__(self, prefix: str):
        self.chunks = f"{prefix}_chunks"
        self.documents = f"{prefix}_documents"
        self.meta = f"{prefix}_meta"


def read_meta(connection: Connection, names: Collections) -> dict | None:
    client = connection.client(create=False)
    if not client.has_collection(names.meta):
        return None
    connection.ensure_loaded(names.meta)
    rows = client.query(names.meta, filter=f"key == {string_literal(STORE_KEY)}", output_fields=["*"])
    return rows[0] if rows else None


def scan(client: MilvusClient, collection: str, expr: str, fields: list[str]) -> Iterator[dict]:
    """Every row matching `expr`, page by page (a plain query stops at MAX_LIMIT rows)."""
    pages = client.query_iterator(collection, batch_size=BATCH, filter=expr, output_fields=fields)
    try:
        while rows := pages.next():
            yield from rows
    finally:
        pages.close()


def lexical_root(settings: Settings, index_dir: Path) -> Path:
    return Path(index_dir) / f"milvus-{settings.milvus_collection_prefix}"


def _text(value: str | None) -> str:
    return value or ""  # Milvus VARCHARs are not nullable here; "" stands for None


def _or_none(value: str) -> str | None:
    return value or None


def _document_info(row: dict) -> DocumentInfo:
    return DocumentInfo(
        doc_id=row["doc_id"],
        source=row["source"],
        title=row["title"],
        url=_or_none(row["url"]),
        publisher=_or_none(row["publisher"]),
        chunks=int(row["chunks"]),
        **{c: _or_none(row[c]) for c in METADATA_FIELDS},
    )


# -- reading ------------------------------------------------------------------------------------------------------
class MilvusReader:
    """One committed version of the Milvus store. restricted() gives the same version seen through filters,
    which Milvus applies inside its search (filter_expression)."""

    def __init__(self, connection: Connection, embedder_name: str | None, index_dir: Path):
        settings = self.settings = connection.settings
        self._names = Collections(settings.milvus_collection_prefix)
        with milvus_errors(settings):
            self._client = connection.client(create=False)
            meta = read_meta(connection, self._names)
            if meta is None or meta["version"] == 0:
                raise IndexUnavailable(
                    f"no index in Milvus at {settings.milvus_uri} (collections {self._names.chunks}, …); "
                    "build one with: python -m ingest corpus/"
                )
            if meta["format"] != FORMAT:
                raise IndexUnavailable(f"the Milvus store has format {meta['format']}, expected {FORMAT}")
            if embedder_name and meta["embedder"] != embedder_name:
                raise IndexUnavailable(
                    f"the Milvus store at {settings.milvus_uri} was built with {meta['embedder']}, but the configured "
                    f"embedder is {embedder_name}"
                )
            self._version = int(meta["version"])
            self.version = version_name(self._version)
            self.dim = int(meta["dim"])
            self._where = visible(self._version)
            connection.ensure_loaded(self._names.chunks, self._names.documents)
            rows = scan(self._client, self._names.documents, self._where, ["*"])
            documents = sorted((_document_info(r) for r in rows), key=lambda d: d.source)
        self._documents = {d.doc_id: d for d in documents}
        self.lexical = self._load_lexical(lexical_root(settings, index_dir) / self.version)

    def _load_lexical(self, folder: Path) -> bm25.LexicalIndex:
        try:
            manifest = common.read_manifest(folder)
        except IndexUnavailable:
            raise IndexUnavailable(
                f"the BM25 snapshot of Milvus version {self._version} is not in {folder}: the ingest job and every "
                "API replica must share one index folder (POLICYQA_INDEX_DIR)"
            ) from None
        common.verify_checksums(folder, manifest["sha256"])
        if manifest["tokenizer"] != bm25.tokenizer_id():
            log.warning("the BM25 snapshot %s was built with another tokenizer; re-run python -m ingest", folder)
        return bm25.LexicalIndex(folder / common.LEXICAL)

    @property
    def document_count(self) -> int:
        return len(self._documents)

    @property
    def chunk_count(self) -> int:
        return sum(d.chunks for d in self._documents.values())

    def documents(self) -> list[DocumentInfo]:
        return list(self._documents.values())

    def restricted(self, filters: Filters) -> MilvusReader:
        view = copy.copy(self)
        view._where = f"{self._where} and ({filter_expression(filters)})"
        view._documents = {k: d for k, d in self._documents.items() if matches(d, filters)}
        return view

    def search(self, query_vector: np.ndarray, top_k: int) -> list[Hit]:
        limit = min(top_k, self.chunk_count, MAX_LIMIT)
        if limit <= 0:
            return []
        vector = np.asarray(query_vector, dtype=np.float32).reshape(-1).tolist()
        params = {"metric_type": "IP"}
        if self.settings.milvus_index == "HNSW":  # HNSW's candidate list must hold at least the hits asked for
            params["params"] = {"ef": max(self.settings.ef_search, limit)}
        with milvus_errors(self.settings):
            found = self._client.search(
                self._names.chunks, data=[vector], anns_field="vector", limit=limit, filter=self._where,
                search_params=params, output_fields=HIT_FIELDS[1:],
            )[0]
        hits = [self._hit({**r["entity"], "row_id": r["row_id"]}, float(r["distance"])) for r in found]
        hits = [h for h in hits if h is not None]
        for h in hits:
            h.dense_score = h.score
        return hits

    def search_lexical(self, query: str, top_k: int, folded_weight: float) -> list[Hit]:
        """The BM25 snapshot's best passages that pass this view's filter: a filtered view asks the snapshot for
        four times more until top_k pass or the snapshot has no more."""
        if not self._documents:
            return []
        wanted = top_k
        while True:
            found = self.lexical.search(query, wanted, folded_weight)
            hits = self.hits(found)
            if len(hits) >= top_k or len(found) < wanted:
                return hits[:top_k]
            wanted *= 4

    def hits(self, scored_rowids: list[tuple[int, float]]) -> list[Hit]:
        rows = self._rows([i for i, _ in scored_rowids], HIT_FIELDS)
        hits = (self._hit(rows[i], s) for i, s in scored_rowids if i in rows)
        return [h for h in hits if h is not None]

    def vectors(self, rowids: list[int]) -> np.ndarray:
        rows = self._rows(rowids, ["row_id", "vector"])
        out = np.zeros((len(rowids), self.dim), dtype=np.float32)
        for n, i in enumerate(rowids):
            if i in rows:
                out[n] = rows[i]["vector"]
        return out

    def chunk_texts(self, doc_id: str) -> list[str]:
        expr = f"{self._where} and doc_id == {string_literal(doc_id)}"
        with milvus_errors(self.settings):
            rows = self._client.query(self._names.chunks, filter=expr, output_fields=["position", "text"])
        return [r["text"] for r in sorted(rows, key=lambda r: r["position"])]

    def _rows(self, rowids: list[int], fields: list[str]) -> dict[int, dict]:
        """Rows of this view by row id; ids of rows that do not pass its filter are left out."""
        out: dict[int, dict] = {}
        with milvus_errors(self.settings):
            for start in range(0, len(rowids), MAX_LIMIT):
                ids = [int(i) for i in rowids[start : start + MAX_LIMIT]]
                expr = f"row_id in {ids} and {self._where}"
                for row in self._client.query(self._names.chunks, filter=expr, output_fields=fields):
                    out[int(row["row_id"])] = row
        return out

    def _hit(self, row: dict, score: float) -> Hit | None:
        doc = self._documents.get(row["doc_id"])
        if doc is None:
            return None
        return common.make_hit(
            doc, int(row["row_id"]), row["chunk_id"], int(row["position"]), row["section"], row["text"], score
        )

    def close(self) -> None:
        """Nothing to release: the connection belongs to the store."""


# -- writing ------------------------------------------------------------------------------------------------------
def _chunks_schema(dim: int):
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("row_id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    for name in ("chunk_id", "doc_id", "section", "text", "source", "doc_type_key", "publisher_key"):
        schema.add_field(name, DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("folders", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=MAX_FOLDERS,
                     max_length=MAX_VARCHAR)
    for name in ("position", "start_char", "end_char", "year", "added", "removed"):
        schema.add_field(name, DataType.INT64)
    return schema


def _documents_schema():
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("doc_key", DataType.VARCHAR, is_primary=True, max_length=256)  # doc_id@version
    schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
    for name in ("doc_id", "source", "title", "url", "publisher", "content_hash", "minhash", *METADATA_FIELDS):
        schema.add_field(name, DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("ingested_at", DataType.DOUBLE)
    for name in ("chunks", "added", "removed"):
        schema.add_field(name, DataType.INT64)
    return schema


def _meta_schema():
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
    schema.add_field("embedder", DataType.VARCHAR, max_length=1024)
    schema.add_field("tokenizer", DataType.VARCHAR, max_length=1024)
    for name in ("format", "dim", "version", "next_row_id", "documents", "chunks"):
        schema.add_field(name, DataType.INT64)
    schema.add_field("committed_at", DataType.DOUBLE)
    return schema


class MilvusWriter:
    """Changes the Milvus store as one transaction (module docstring); one writer at a time, by a lock in the
    shared index folder."""

    def __init__(self, connection: Connection, embedder_name: str, dim: int, index_dir: Path):
        settings = self.settings = connection.settings
        self.embedder_name = embedder_name
        self.dim = dim
        self._connection = connection
        self._names = Collections(settings.milvus_collection_prefix)
        self._root = lexical_root(settings, index_dir)
        self._lock = common.WriterLock(
            self._root / ".lock", f"another ingest is writing the Milvus store ({self._root}); try again when it ends"
        )
        self._client: MilvusClient | None = None
        self._live: int | None = None  # the committed version this transaction started from, once opened
        self._docs: dict[str, dict] = {}  # source → document row of the version being written
        self._removed: list[dict] = []  # document rows of the live version that this commit removes
        self._removed_rows: list[int] = []  # and their passages' row ids, for the incremental BM25 build
        self._written: set[str] = set()  # doc_ids upserted in this transaction
        self._committed = False
        self.changed = False

    # -- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> MilvusWriter:
        self._lock.acquire()
        try:
            with milvus_errors(self.settings):
                self._open()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _open(self) -> None:
        self._client = self._connection.client(create=True)
        self._create_collections()
        meta = read_meta(self._connection, self._names)
        if meta is not None:
            if meta["format"] != FORMAT:
                raise IndexUnavailable(f"the Milvus store has format {meta['format']}, expected {FORMAT}")
            if meta["embedder"] != self.embedder_name or meta["dim"] != self.dim:
                raise IndexUnavailable(
                    f"the Milvus store at {self.settings.milvus_uri} was built with {meta['embedder']} "
                    f"({meta['dim']} dimensions), not {self.embedder_name}; choose that embedder or another "
                    "POLICYQA_MILVUS_COLLECTION_PREFIX"
                )
            if meta["tokenizer"] != bm25.tokenizer_id():
                self.changed = True  # the next commit rebuilds BM25 with today's tokenizer
        self._next_row_id = int(meta["next_row_id"]) if meta else 1
        self._version = (int(meta["version"]) if meta else 0) + 1
        self._live = self._version - 1
        self._roll_back_leftovers()
        self._remove_leftover_snapshots()
        rows = scan(self._client, self._names.documents, visible(self._live), ["*"])
        self._docs = {r["source"]: r for r in rows}

    def __exit__(self, *exc) -> None:
        try:
            if self._live is not None and not self._committed:
                with milvus_errors(self.settings):
                    self._roll_back_leftovers()
        finally:
            self._lock.release()

    def _create_collections(self) -> None:
        c, names = self._client, self._names
        if not c.has_collection(names.chunks):
            index = c.prepare_index_params()
            if self.settings.milvus_index == "HNSW":
                params = {"M": self.settings.hnsw_m, "efConstruction": self.settings.ef_construction}
                index.add_index(field_name="vector", index_type="HNSW", metric_type="IP", params=params)
            else:
                index.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
            c.create_collection(names.chunks, schema=_chunks_schema(self.dim), index_params=index,
                                consistency_level="Strong")
        for name, schema in ((names.documents, _documents_schema()), (names.meta, _meta_schema())):
            if not c.has_collection(name):
                index = c.prepare_index_params()
                index.add_index(field_name="placeholder", index_type="FLAT", metric_type="IP")
                c.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")
        self._connection.ensure_loaded(names.chunks, names.documents, names.meta)

    def _roll_back_leftovers(self) -> None:
        """Undo a writer that stopped before its commit: its rows go, the rows it marked are live again."""
        self._discard(f"added > {self._live}")
        for collection in (self._names.documents, self._names.chunks):
            marked = list(scan(self._client, collection, f"removed > {self._live}", ["*"]))
            self._upsert(collection, [{**r, "removed": 0} for r in marked])

    def _remove_leftover_snapshots(self) -> None:
        for p in self._root.glob(".staging-*"):
            shutil.rmtree(p, ignore_errors=True)

    def _discard(self, expr: str) -> None:
        self._client.delete(self._names.chunks, filter=expr)
        self._client.delete(self._names.documents, filter=expr)

    def _insert(self, collection: str, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            self._client.insert(collection, rows[start : start + BATCH])

    def _upsert(self, collection: str, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            self._client.upsert(collection, rows[start : start + BATCH])

    # -- reads -----------------------------------------------------------------------------------------
    def content_hash(self, source: str) -> str | None:
        row = self._docs.get(source)
        return row["content_hash"] if row else None

    def sources(self) -> list[str]:
        return sorted(self._docs)

    # -- changes ---------------------------------------------------------------------------------------
    def delete(self, source: str) -> bool:
        """Remove a document and all its passages from the version being written; False when it is not there."""
        row = self._docs.pop(source, None)
        if row is None:
            return False
        if row["added"] == self._version:  # written earlier in this transaction, seen by nobody yet
            with milvus_errors(self.settings):
                self._client.delete(self._names.chunks, filter=f"doc_id == {string_literal(row['doc_id'])} and "
                                    f"added == {self._version}")
                self._client.delete(self._names.documents, filter=f"doc_key == {string_literal(row['doc_key'])}")
            self._written.discard(row["doc_id"])
        else:
            self._removed.append(row)
        self.changed = True
        return True

    def upsert(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Add a document, replacing any earlier version of the same source."""
        vectors = common.checked_vectors(chunks, vectors, self.dim)
        source_folders = folders(doc.source)
        if len(source_folders) > MAX_FOLDERS:
            raise ValueError(f"{doc.source} is nested deeper than {MAX_FOLDERS} folders")
        self.delete(doc.source)
        document_fields = {
            "source": doc.source,
            "folders": source_folders,
            "doc_type_key": _text(doc.doc_type).casefold(),
            "publisher_key": _text(doc.publisher).casefold(),
            "year": doc.year or 0,
            "added": self._version,
            "removed": 0,
        }
        rows = [
            {
                "row_id": self._next_row_id + n,
                "vector": vector.tolist(),
                "chunk_id": c.chunk_id,
                "doc_id": doc.doc_id,
                "position": c.position,
                "section": c.section,
                "text": c.text,
                "start_char": c.start_char,
                "end_char": c.end_char,
                **document_fields,
            }
            for n, (c, vector) in enumerate(zip(chunks, vectors))
        ]
        doc_row = {
            "doc_key": f"{doc.doc_id}@{self._version}",
            "placeholder": PLACEHOLDER,
            "doc_id": doc.doc_id,
            "source": doc.source,
            "title": doc.title,
            "url": _text(doc.url),
            "publisher": _text(doc.publisher),
            "content_hash": doc.content_hash,
            "minhash": base64.b64encode(dedup.signature(doc.text).tobytes()).decode("ascii"),
            **{c: _text(value) for c, value in doc.metadata().items()},
            "ingested_at": time.time(),
            "chunks": len(chunks),
            "added": self._version,
            "removed": 0,
        }
        with milvus_errors(self.settings):
            self._insert(self._names.chunks, rows)
            self._insert(self._names.documents, [doc_row])
        self._next_row_id += len(rows)
        self._docs[doc.source] = doc_row
        self._written.add(doc.doc_id)
        self.changed = True

    def near_duplicates(self, threshold: float) -> list[NearDuplicate]:
        """Documents written in this transaction whose text nearly repeats another indexed document."""
        if not self._written:
            return []
        sources = {r["doc_id"]: r["source"] for r in self._docs.values()}
        signatures = {
            r["doc_id"]: np.frombuffer(base64.b64decode(r["minhash"]), dtype=np.uint32) for r in self._docs.values()
        }
        return common.near_duplicates_of(self._written, signatures, sources, threshold)

    def commit(self) -> str:
        """Make the written version the live one for every reader at once. Returns its name."""
        with milvus_errors(self.settings):
            self._mark_removed()
            # Sealed segments: searched by their index rather than scanned row by row (Milvus Lite's memtable).
            self._client.flush(self._names.chunks)
            self._client.flush(self._names.documents)
            passages = self._write_lexical()
            chunks = sum(int(r["chunks"]) for r in self._docs.values())
            if passages != chunks:
                raise IndexUnavailable(f"internal error: {chunks} passages listed but {passages} in Milvus")
            meta = {
                "key": STORE_KEY,
                "placeholder": PLACEHOLDER,
                "embedder": self.embedder_name,
                "tokenizer": bm25.tokenizer_id(),
                "format": FORMAT,
                "dim": self.dim,
                "version": self._version,
                "next_row_id": self._next_row_id,
                "documents": len(self._docs),
                "chunks": chunks,
                "committed_at": time.time(),
            }
            self._client.upsert(self._names.meta, [meta])  # the commit point
            self._committed = True
        try:
            # Rows removed by earlier commits; this commit's stay for replicas still reading the previous version.
            self._discard(f"removed != 0 and removed <= {self._live}")
        except MilvusException as e:  # committed all the same: the next commit deletes them
            log.warning("could not delete rows removed before version %s yet: %s", self._version, e.message)
        common.prune_versions(self._root)
        return version_name(self._version)

    def _mark_removed(self) -> None:
        """Rows of removed or replaced documents stop at the new version; the live version keeps them whole."""
        self._upsert(self._names.documents, [{**r, "removed": self._version} for r in self._removed])
        doc_ids = [r["doc_id"] for r in self._removed]
        for start in range(0, len(doc_ids), BATCH):
            ids = ", ".join(string_literal(d) for d in doc_ids[start : start + BATCH])
            rows = list(scan(self._client, self._names.chunks, f"{visible(self._live)} and doc_id in [{ids}]", ["*"]))
            self._upsert(self._names.chunks, [{**r, "removed": self._version} for r in rows])
            self._removed_rows += [int(r["row_id"]) for r in rows]

    def _write_lexical(self) -> int:
        """The new version's BM25 snapshot, built from its passages as Milvus holds them (incrementally from the
        live snapshot where it can); returns their number."""
        titles = {r["doc_id"]: r["title"] for r in self._docs.values()}

        def passages(first: int):
            fields = ["row_id", "doc_id", "section", "text"]
            # The scan pages by primary key, so passages come in row-id order, as the incremental build needs.
            expr = f"{visible(self._version)} and row_id >= {int(first)}"
            for row in scan(self._client, self._names.chunks, expr, fields):
                yield int(row["row_id"]), titles[row["doc_id"]], row["section"], row["text"]

        staging = self._root / f".staging-{uuid.uuid4().hex[:12]}"
        previous = None
        if self._live and self.settings.bm25_incremental:
            previous = self._root / version_name(self._live) / common.LEXICAL
        files, how, count = common.write_bm25(staging, passages, previous, self._removed_rows)
        common.write_manifest(staging, {
            "version": self._version,
            "tokenizer": bm25.tokenizer_id(),
            "how": how,
            "passages": count,
            "sha256": common.checksums(staging, files),
        })
        common.fsync_path(staging)
        final = self._root / version_name(self._version)
        shutil.rmtree(final, ignore_errors=True)  # a snapshot of a writer that died before its commit
        os.rename(staging, final)
        common.fsync_path(self._root)
        return count


class MilvusStore:
    """Milvus at settings.milvus_uri, with its BM25 snapshots and writers' lock in settings.index_dir."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        self.connection = Connection(settings)

    @property
    def where(self) -> str:
        return f"Milvus {self.settings.milvus_uri}"

    def open_reader(self, embedder_name: str | None) -> MilvusReader:
        return MilvusReader(self.connection, embedder_name, self.index_dir)

    def open_writer(self, embedder_name: str, dim: int) -> MilvusWriter:
        return MilvusWriter(self.connection, embedder_name, dim, self.index_dir)

    def live_version(self) -> str | None:
        if is_lite(self.settings.milvus_uri) and not Path(self.settings.milvus_uri).exists():
            return None
        with milvus_errors(self.settings):
            meta = read_meta(self.connection, Collections(self.settings.milvus_collection_prefix))
        return version_name(meta["version"]) if meta and meta["version"] > 0 else None
