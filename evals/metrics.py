"""What counts as right: the one definition of "the answer contains the expected text", the short answer's
exact match and token F1 against gold spans (SQuAD's definitions, on Vietnamese syllables), and ranking metrics."""
from __future__ import annotations

import math
import re
from collections import Counter

from retriever.text.normalize import normalize

KS = (1, 5, 10)


def answer_contains(text: str, needles: list[str]) -> bool:
    """Whether text holds one of the expected strings, compared in one Unicode form and case."""
    text = normalize(text).lower()
    return any(normalize(n).lower() in text for n in needles if n.strip())


def ranking_metrics(ranked_relevance: list[bool], n_relevant: int, prefix: str) -> dict[str, float]:
    out = {}
    for k in KS:
        out[f"{prefix} Recall@{k}"] = sum(ranked_relevance[:k]) / n_relevant if n_relevant else 0.0
    first = next((i for i, r in enumerate(ranked_relevance[:10]) if r), None)
    out[f"{prefix} MRR@10"] = 1 / (first + 1) if first is not None else 0.0
    dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(ranked_relevance[:10]) if r)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(n_relevant, 10)))
    out[f"{prefix} nDCG@10"] = dcg / idcg if idcg else 0.0
    return out


def answer_tokens(text: str) -> list[str]:
    """Syllables and numbers, lower-cased in one Unicode form, punctuation dropped ("98,7%" stays one token):
    SQuAD's normalization, where Vietnamese has no articles to drop."""
    return re.findall(r"\w+(?:[.,/]\w+)*%?", normalize(text).lower())


def exact_match(prediction: str, golds: list[str]) -> float:
    tokens = answer_tokens(prediction)
    return float(any(tokens == answer_tokens(g) for g in golds))


def token_f1(prediction: str, golds: list[str]) -> float:
    """The best F1 over the gold spans of the tokens prediction shares with it."""
    predicted = Counter(answer_tokens(prediction))
    best = 0.0
    for gold in golds:
        expected = Counter(answer_tokens(gold))
        common = sum((predicted & expected).values())
        if common:
            precision, recall = common / sum(predicted.values()), common / sum(expected.values())
            best = max(best, 2 * precision * recall / (precision + recall))
    return best
