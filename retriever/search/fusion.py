"""Two rankings of passages made into one: by rank (RRF) or by normalized score (weighted)."""
from __future__ import annotations


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
