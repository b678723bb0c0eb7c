"""Search over one index version: dense (embeddings), BM25, or both fused; then near-identical passages are
collapsed and, when configured, a reranker orders the best candidates.

Every searcher returns hits best first. `Hit.score` is what ranked them (cosine, BM25 score, fused score or
reranker score); `Hit.dense_score` is the query–passage cosine whenever the query was embedded, so answer
thresholds can rely on it in every mode but bm25.
"""
from __future__ import annotations

from retriever.embed.base import Embedder
from retriever.filters import Filters, matches
from retriever.search.base import Mode, Searcher
from retriever.search.dense import DenseSearcher
from retriever.search.hybrid import HybridSearcher
from retriever.search.lexical import BM25Searcher
from retriever.search.rerank import Reranker
from retriever.settings import Settings
from retriever.store.base import VectorStore
from retriever.text import dedup
from retriever.text.defined import acronyms, defined_abbreviations, expand_defined
from retriever.text.normalize import normalize
from retriever.types import Hit

# Extra candidates fetched so that collapsing duplicates still leaves top_k hits.
DUPLICATE_SLACK = 10
# How many hits of a query are read for the definition of an acronym it uses.
DEFINITION_DEPTH = 10


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
        if not acronyms(query):
            return self._search(query, top_k, mode, filters)
        # "HPHK phụ thuộc vào đâu?": an acronym the documents define for themselves ("Học phí học kỳ (HPHK)") is
        # searched again with the words it stands for, which the dense model and BM25 know better than its
        # letters. The passage that defines it is looked for among more hits than asked for.
        hits = self._search(query, max(top_k, DEFINITION_DEPTH), mode, filters)
        expanded = expand_defined(query, defined_abbreviations(h.text for h in hits))
        if expanded != normalize(query):
            return self._search(expanded, top_k, mode, filters)
        # Ranked lists are cut, never reordered, by how many are asked (fusion reads max(fusion_candidates, n)
        # from each list): the first top_k of the wider search are the hits of a search for top_k.
        return hits[:top_k]

    def _search(self, query: str, top_k: int, mode: Mode | None, filters: Filters | None) -> list[Hit]:
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
