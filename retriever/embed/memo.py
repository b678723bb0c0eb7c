"""An embedder that remembers its most recent vectors in memory: the question that search just embedded, and the
sentences of passages that come back for question after question, are not embedded again."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from retriever.embed.base import Embedder


class MemoEmbedder:
    """`inner`, with the last `max_queries` query vectors and `max_passages` passage vectors kept (LRU)."""

    def __init__(self, inner: Embedder, max_queries: int = 1024, max_passages: int = 16384):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._limits = {"query": max_queries, "passage": max_passages}
        self._memo: dict[str, OrderedDict[str, np.ndarray]] = {"query": OrderedDict(), "passage": OrderedDict()}
        self._lock = threading.Lock()

    def _embed(self, kind: str, texts: list[str]) -> np.ndarray:
        memo = self._memo[kind]
        with self._lock:
            found = {t: memo[t] for t in texts if t in memo}
            for t in found:
                memo.move_to_end(t)
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        if todo:
            embed = self.inner.embed_queries if kind == "query" else self.inner.embed_passages
            new = np.asarray(embed(todo), dtype=np.float32)
            with self._lock:
                for t, v in zip(todo, new):
                    found[t] = memo[t] = v
                while len(memo) > self._limits[kind]:
                    memo.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[t] for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed("query", texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed("passage", texts)
