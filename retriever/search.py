"""Search over the index: the query is normalized, embedded and matched against passage vectors."""
from __future__ import annotations

from retriever.embedders import Embedder
from retriever.index import IndexReader
from retriever.text import normalize
from retriever.types import Hit


class DenseSearcher:
    """Cosine similarity between the query and every passage (inner product of normalized vectors)."""

    def __init__(self, reader: IndexReader, embedder: Embedder):
        self.reader = reader
        self.embedder = embedder

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        query = normalize(query)
        if not query:
            return []
        vector = self.embedder.embed_queries([query])[0]
        return self.reader.search(vector, top_k)
