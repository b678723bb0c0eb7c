"""Search over one index version: dense (embeddings), BM25, or both fused; then near-identical passages are
collapsed and, when configured, a reranker orders the best candidates.

Every searcher returns hits best first. `Hit.score` is what ranked them (cosine, BM25 score, fused score or
reranker score); `Hit.dense_score` is the query–passage cosine whenever the query was embedded, so answer
thresholds can rely on it in every mode but bm25.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Literal, Protocol

import numpy as np

from retriever import dedup
from retriever.embedders import Embedder
from retriever.index import DocumentInfo
from retriever.rerank import Reranker
from retriever.settings import Settings
from retriever.store import VectorStore
from retriever.text import expand_abbreviations, has_diacritics, normalize, restore_diacritics
from retriever.types import Filters, Hit

Mode = Literal["dense", "bm25", "hybrid"]
# Unaccented queries get their accents back from this many of the best BM25 passages before being embedded.
RESTORE_FROM = 10
# Extra candidates fetched so that collapsing duplicates still leaves top_k hits.
DUPLICATE_SLACK = 10


class Searcher(Protocol):
    def search(self, query: str, top_k: int) -> list[Hit]: ...


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


class BM25Searcher:
    """BM25 over the same passages, on Vietnamese syllables and bigrams, accented and folded
    (retriever/lexical.py)."""

    def __init__(self, reader: VectorStore, folded_weight: float = 0.3):
        self.reader = reader
        self.folded_weight = folded_weight

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        query = normalize(query)
        if not query:
            return []
        return self.reader.search_lexical(query, top_k, self.folded_weight)


def reciprocal_rank_fusion(rankings: list[list[int]], weights: list[float], k: int = 60) -> dict[int, float]:
    """Σ weight / (k + rank) over the rankings a passage appears in (rank from 1). Ranks, unlike scores, need
    no calibration between a cosine and a BM25 score."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def weighted_fusion(scored: list[list[tuple[int, float]]], weights: list[float]) -> dict[int, float]:
    """Σ weight × score, each list's scores min-max normalized to [0, 1]; absent from a list counts 0."""
    fused: dict[int, float] = {}
    for pairs, weight in zip(scored, weights):
        if not pairs:
            continue
        values = [s for _, s in pairs]
        low, span = min(values), (max(values) - min(values)) or 1.0
        for key, s in pairs:
            fused[key] = fused.get(key, 0.0) + weight * (s - low) / span
    return fused


class HybridSearcher:
    """BM25 and dense candidates, fused. An unaccented query is embedded with the accents its best BM25
    passages give it, since the dense model reads unaccented Vietnamese poorly and BM25 does not."""

    def __init__(
        self,
        dense: DenseSearcher,
        lexical: BM25Searcher,
        fusion: Literal["rrf", "weighted"] = "weighted",
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        lexical_weight: float = 1.0,
        candidates: int = 50,
    ):
        self.dense = dense
        self.lexical = lexical
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.weights = [dense_weight, lexical_weight]
        self.candidates = candidates

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        query = normalize(query)
        if not query:
            return []
        n = max(self.candidates, top_k)
        if has_diacritics(query):
            # BM25 runs beside the embedding and the dense search, which release the GIL (torch, FAISS): at 1M
            # passages each takes tens of milliseconds.
            with ThreadPoolExecutor(max_workers=1) as pool:
                lexical_future = pool.submit(self.lexical.search, query, n)
                vector = self.dense.embed(query)
                dense_hits = self.dense.reader.search(vector, n)
                lexical_hits = lexical_future.result()
        else:
            lexical_hits = self.lexical.search(query, n)
            dense_query = query
            if lexical_hits:
                dense_query = restore_diacritics(query, [h.text for h in lexical_hits[:RESTORE_FROM]])
            vector = self.dense.embed(dense_query)
            dense_hits = self.dense.reader.search(vector, n)

        if self.fusion == "rrf":
            rankings = [[h.row_id for h in dense_hits], [h.row_id for h in lexical_hits]]
            fused = reciprocal_rank_fusion(rankings, self.weights, self.rrf_k)
        else:
            scored = [[(h.row_id, h.score) for h in dense_hits], [(h.row_id, h.score) for h in lexical_hits]]
            fused = weighted_fusion(scored, self.weights)
        by_id = {h.row_id: h for h in lexical_hits} | {h.row_id: h for h in dense_hits}
        order = sorted(fused, key=lambda i: -fused[i])[:top_k]
        # Passages only BM25 found still get their cosine, from the stored vectors.
        missing = [i for i in order if by_id[i].dense_score is None]
        cosines = dict(zip(missing, (self.dense.reader.vectors(missing) @ vector).tolist())) if missing else {}
        hits = []
        for i in order:
            hit = by_id[i]
            hit.score = fused[i]
            if hit.dense_score is None:
                hit.dense_score = float(cosines[i])
            hits.append(hit)
        return hits


class SearchService:
    """The searchers of one index version behind one call: search in a mode, collapse passages that repeat a
    better one nearly word for word (the same story from two publishers), then rerank if configured."""

    def __init__(self, reader: VectorStore, embedder: Embedder, settings: Settings, reranker: Reranker | None = None):
        self.reader = reader
        self.embedder = embedder
        self.settings = settings
        self.searchers = self._searchers(reader)
        self.default_mode: Mode = settings.search_mode
        self.duplicate_threshold = settings.duplicate_threshold
        self.reranker = reranker
        self.rerank_candidates = settings.rerank_candidates

    def _searchers(self, reader: VectorStore) -> dict[str, Searcher]:
        settings = self.settings
        dense = DenseSearcher(reader, self.embedder)
        lexical = BM25Searcher(reader, settings.folded_weight)
        hybrid = HybridSearcher(
            dense,
            lexical,
            fusion=settings.fusion,
            rrf_k=settings.rrf_k,
            dense_weight=settings.dense_weight,
            lexical_weight=settings.lexical_weight,
            candidates=settings.fusion_candidates,
        )
        return {"dense": dense, "bm25": lexical, "hybrid": hybrid}

    def search(self, query: str, top_k: int, mode: Mode | None = None, filters: Filters | None = None) -> list[Hit]:
        n = top_k + DUPLICATE_SLACK
        if self.reranker is not None:
            n = max(n, self.rerank_candidates)
        mode = mode or self.default_mode
        if filters:
            restricted = self.reader.restricted(filters)
            if restricted is not None:  # the store filters inside its own search (Milvus)
                hits = self._searchers(restricted)[mode].search(query, n)
            else:
                hits = self._filtered(self.searchers[mode], query, n, filters)
        else:
            hits = self.searchers[mode].search(query, n)
        hits = dedup.collapse(hits, lambda h: h.text, self.duplicate_threshold)
        if self.reranker is not None:
            hits = self.reranker.rerank(normalize(query), hits[: self.rerank_candidates])
        return hits[:top_k]

    def _filtered(self, searcher: Searcher, query: str, n: int, filters: Filters) -> list[Hit]:
        """Hits of the allowed documents only. Candidates are widened until n pass the filter or the whole
        index was searched, so a narrow filter still finds its few documents."""
        allowed = {d.doc_id for d in self.reader.documents() if matches(d, filters)}
        if not allowed:
            return []
        total = self.reader.chunk_count
        wanted = max(n * 4, 50)
        while True:
            kept = [h for h in searcher.search(query, min(wanted, total)) if h.doc_id in allowed]
            if len(kept) >= n or wanted >= total:
                return kept[:n]
            wanted *= 4


def matches(doc: DocumentInfo, filters: Filters) -> bool:
    if filters.doc_type and (doc.doc_type or "").casefold() != filters.doc_type.casefold():
        return False
    if filters.publisher and (doc.publisher or "").casefold() != filters.publisher.casefold():
        return False
    if filters.source:
        prefix = filters.source.endswith("/")
        if not (doc.source.startswith(filters.source) if prefix else doc.source == filters.source):
            return False
    if filters.year_from is not None or filters.year_to is not None:
        year = doc.year
        if year is None:
            return False
        if filters.year_from is not None and year < filters.year_from:
            return False
        if filters.year_to is not None and year > filters.year_to:
            return False
    return True
