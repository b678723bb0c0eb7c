"""Hybrid search: BM25 and dense candidates fused (search/fusion.py)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from retriever.search.dense import DenseSearcher
from retriever.search.fusion import reciprocal_rank_fusion, weighted_fusion
from retriever.search.lexical import BM25Searcher
from retriever.text.diacritics import restore_diacritics
from retriever.text.normalize import has_diacritics, normalize
from retriever.types import Hit

# Unaccented queries get their accents back from this many of the best BM25 passages before being embedded.
RESTORE_FROM = 10


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
