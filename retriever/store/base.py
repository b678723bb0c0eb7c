"""The store interfaces: what search, answers and the engine read (VectorStore), what ingest writes
(VectorStoreWriter), and the Store that opens both for one configured location.

    POLICYQA_STORE=faiss   (default) store/faiss.py: an embedded folder of immutable versions
                           (FAISS + SQLite + BM25), one machine.
    POLICYQA_STORE=milvus  store/milvus.py: vectors, passages and documents in Milvus
                           (POLICYQA_MILVUS_URI: a Milvus Lite file or a server), read by any number of API
                           replicas; the BM25 snapshots stay beside it, in the index folder they share.

Both read one committed version at a time (`version`), so a search never mixes two versions, and both commit a
writer's changes as one step: a reader sees all of a commit or none of it.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from retriever.filters import Filters
from retriever.types import Chunk, Document, DocumentInfo, Hit, NearDuplicate


class VectorStore(Protocol):
    """A read-only view of one committed version, safe to share between threads."""

    version: str
    dim: int

    @property
    def document_count(self) -> int: ...

    @property
    def chunk_count(self) -> int: ...

    def documents(self) -> list[DocumentInfo]: ...

    def search(self, query_vector: np.ndarray, top_k: int) -> list[Hit]:
        """Passages by inner product with a normalized query vector, best first; dense_score is that product."""
        ...

    def search_lexical(self, query: str, top_k: int, folded_weight: float) -> list[Hit]:
        """Passages by BM25 score (store/bm25.py), best first."""
        ...

    def hits(self, scored_rowids: list[tuple[int, float]]) -> list[Hit]:
        """Hits for (row id, score) pairs, in the order given."""
        ...

    def vectors(self, rowids: list[int]) -> np.ndarray:
        """The stored passage vectors of these row ids."""
        ...

    def chunk_texts(self, doc_id: str) -> list[str]:
        """The texts of a document's passages, in order."""
        ...

    def restricted(self, filters: Filters) -> VectorStore | None:
        """This version seen through the filters, applied by the store itself (pushed down into its search);
        None when the store cannot, and the caller filters the candidates (SearchService)."""
        ...

    def close(self) -> None: ...


class VectorStoreWriter(Protocol):
    """Changes as one transaction: `with open_writer(...) as w: ...; w.commit()`. Leaving the block without
    commit() discards every change; one writer at a time per store."""

    changed: bool

    def __enter__(self) -> VectorStoreWriter: ...

    def __exit__(self, *exc) -> None: ...

    def content_hash(self, source: str) -> str | None: ...

    def sources(self) -> list[str]: ...

    def delete(self, source: str) -> bool:
        """Remove a document and all its passages; False when it was not indexed."""
        ...

    def upsert(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Add a document, replacing every passage of an earlier version of the same source."""
        ...

    def near_duplicates(self, threshold: float) -> list[NearDuplicate]: ...

    def commit(self) -> str:
        """Make the changes live, at once for every reader; returns the new version's name."""
        ...


class Store(Protocol):
    """One configured location of the index; built once by each process (the API at start-up, a CLI run) and
    shared by the readers and writers it opens."""

    @property
    def where(self) -> str:
        """The location, for messages: a folder, or Milvus and its URI."""
        ...

    def open_reader(self, embedder_name: str | None) -> VectorStore:
        """The live version; IndexUnavailable when there is none or it was built with another embedder."""
        ...

    def open_writer(self, embedder_name: str, dim: int) -> VectorStoreWriter: ...

    def live_version(self) -> str | None:
        """The name of the version a reader would open now; None when nothing was ever committed."""
        ...
