"""BM25 (bm25s) over the same passages as the dense index, stored in each index version's `bm25/` folder.

Every passage is indexed twice over: its terms as written and, prefixed with "~", the same terms with every
diacritic folded away. A query typed without diacritics ("thanh hoa xep thu may") searches only the folded
terms, so it finds what the accented query finds; an accented query searches the exact terms first, so "đường"
prefers "đường" to "dương", and the folded terms with a lower weight, so a passage with one mistyped accent still
counts.

Files are JSON and .npy arrays (no pickle); the score matrix and the row ids are memory-mapped when loaded.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from retriever.text import ABBREVIATIONS_FILE, fold, has_diacritics, lexical_tokens

# bm25s sets its own logger to DEBUG and reports every build on the console.
logging.getLogger("bm25s").setLevel(logging.WARNING)

FOLDED = "~"
# Recorded with the index: a reader whose tokenizer differs would look up terms the index never saw.
TOKENIZER = "vi-syllables+bigrams+folded/2+" + hashlib.sha256(ABBREVIATIONS_FILE.read_bytes()).hexdigest()[:12]
K1, B = 1.2, 0.75  # the usual BM25 defaults; not tuned on the evaluation sets
ROW_IDS = "rowids.npy"
META = "lexical.json"


@lru_cache(maxsize=1 << 18)  # every term of every passage is folded at each commit; far fewer distinct ones
def _folded(term: str) -> str:
    return FOLDED + fold(term)


def document_terms(text: str) -> list[str]:
    tokens = lexical_tokens(text)
    return tokens + [_folded(t) for t in tokens]


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """(exact terms, folded terms), each without repeats; a query without any diacritic has no exact terms."""
    tokens = lexical_tokens(query)
    folded = list(dict.fromkeys(_folded(t) for t in tokens))
    exact = list(dict.fromkeys(tokens)) if has_diacritics(query) else []
    return exact, folded


def build(folder: Path, passages: Iterable[tuple[int, str]]) -> list[str]:
    """Index (chunk row id, passage text) pairs into `folder`; returns the names of the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    row_ids: list[int] = []
    corpus: list[list[str]] = []
    for row_id, text in passages:
        row_ids.append(row_id)
        corpus.append(document_terms(text))
    np.save(folder / ROW_IDS, np.asarray(row_ids, dtype=np.int64), allow_pickle=False)
    if corpus:
        model = bm25s.BM25(k1=K1, b=B)
        model.index(corpus, show_progress=False)
        model.save(folder, show_progress=False)
    (folder / META).write_text(json.dumps({"tokenizer": TOKENIZER, "passages": len(row_ids)}), encoding="utf-8")
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def tokenizer_of(folder: Path) -> str | None:
    try:
        return json.loads((folder / META).read_text(encoding="utf-8"))["tokenizer"]
    except (OSError, ValueError, KeyError):
        return None


class LexicalIndex:
    """A loaded BM25 index; read-only, safe to share between threads."""

    def __init__(self, folder: Path):
        self.tokenizer = tokenizer_of(folder)
        self._row_ids = np.load(folder / ROW_IDS, mmap_mode="r", allow_pickle=False)
        self._model = bm25s.BM25.load(folder, mmap=True) if len(self._row_ids) else None

    def __len__(self) -> int:
        return len(self._row_ids)

    def _scores(self, terms: list[str]) -> np.ndarray | None:
        ids = self._model.get_tokens_ids(terms)
        return self._model.get_scores_from_ids(ids) if ids else None

    def search(self, query: str, top_k: int, folded_weight: float = 0.3) -> list[tuple[int, float]]:
        """(chunk row id, BM25 score) of the passages sharing a term with the query, best first."""
        if self._model is None or top_k <= 0:
            return []
        exact, folded = query_terms(query)
        scores = self._scores(exact) if exact else None
        folded_scores = self._scores(folded)
        if folded_scores is not None:
            weight = folded_weight if exact else 1.0
            scores = weight * folded_scores if scores is None else scores + weight * folded_scores
        if scores is None:
            return []
        k = min(top_k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self._row_ids[i]), float(scores[i])) for i in best if scores[i] > 0]
