"""A fast deterministic embedder for tests that exercise search plumbing rather than model quality."""
from __future__ import annotations

import re
import zlib

import numpy as np

from retriever.text import fold


class HashEmbedder:
    """Bag of folded words hashed into `dim` buckets, L2-normalized: texts sharing words are close."""

    name = "test/hash-embedder"

    def __init__(self, dim: int = 64):
        self.dim = dim

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", fold(text)):
                out[i, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)
