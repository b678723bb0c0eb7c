"""An embedder that remembers every vector it computed, so that no text is embedded twice across evaluation runs,
re-chunkings and stores."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from retriever.embed.base import Embedder


class CachedEmbedder:
    """An embedder that remembers every vector it computed, in SQLite (float32 bytes), keyed by text."""

    def __init__(self, inner: Embedder, path: Path):
        self.inner = inner
        self.name = inner.name  # vectors are the inner model's, so the index accepts them
        self.dim = inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def _key(self, kind: str, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{kind}\0{text}".encode()).hexdigest()

    def _embed(self, kind: str, texts: list[str]) -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            batch = keys[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch
            ).fetchall()
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
        if todo:
            embed = self.inner.embed_queries if kind == "query" else self.inner.embed_passages
            new = embed(todo)
            rows = [(self._key(kind, t), v.astype(np.float32).tobytes()) for t, v in zip(todo, new)]
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            self._db.commit()
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return np.vstack([found[k] for k in keys]) if keys else np.zeros((0, self.dim), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed("query", texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed("passage", texts)
