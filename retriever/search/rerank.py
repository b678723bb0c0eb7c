"""Optional second-stage ranking: a model that reads query and passage together orders the best candidates.

Off unless POLICYQA_RERANK_MODEL names a sentence-transformers CrossEncoder (hub name or local folder).
Nothing is downloaded unless that is configured.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from retriever.settings import Settings
from retriever.types import Hit


@runtime_checkable
class Reranker(Protocol):
    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """The same hits, best first, with `score` set to the reranker's score (dense_score is kept)."""
        ...


class CrossEncoderReranker:
    def __init__(self, model: str, device: str = "cpu", batch_size: int = 32):
        from sentence_transformers import CrossEncoder  # torch is imported only when reranking is on

        self._model = CrossEncoder(model, device=device)
        self._batch_size = batch_size

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return []
        scores = self._model.predict([(query, h.text) for h in hits], batch_size=self._batch_size)
        for hit, score in zip(hits, scores):
            hit.score = float(score)
        return sorted(hits, key=lambda h: -h.score)


def make_reranker(settings: Settings) -> Reranker | None:
    if not settings.rerank_model:
        return None
    return CrossEncoderReranker(settings.rerank_model, device=settings.st_device, batch_size=settings.embed_batch_size)
