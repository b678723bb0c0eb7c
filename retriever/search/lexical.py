"""Lexical search: BM25 over the store's passages (store/bm25.py)."""
from __future__ import annotations

from retriever.store.base import VectorStore
from retriever.text.normalize import normalize
from retriever.types import Hit


class BM25Searcher:
    """BM25 over the same passages, on Vietnamese syllables and bigrams, accented and folded
    (store/bm25.py)."""

    def __init__(self, reader: VectorStore, folded_weight: float = 0.3):
        self.reader = reader
        self.folded_weight = folded_weight

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        query = normalize(query)
        if not query:
            return []
        return self.reader.search_lexical(query, top_k, self.folded_weight)
