"""Dense search: the query's embedding against every passage vector of the store."""
from __future__ import annotations

import numpy as np

from retriever.embed.base import Embedder
from retriever.store.base import VectorStore
from retriever.text.normalize import normalize
from retriever.text.tokens import expand_abbreviations
from retriever.types import Hit


class DenseSearcher:
    """Cosine similarity between the query and every passage (inner product of normalized vectors)."""

    def __init__(self, reader: VectorStore, embedder: Embedder):
        self.reader = reader
        self.embedder = embedder

    def embed(self, query: str) -> np.ndarray:
        # Abbreviations are spelled out for the model ("UBND" → "UBND (Ủy ban nhân dân)").
        return self.embedder.embed_queries([expand_abbreviations(query)])[0]

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        query = normalize(query)
        if not query:
            return []
        return self.reader.search(self.embed(query), top_k)
