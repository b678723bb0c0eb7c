"""BM25 (bm25s) over the same passages as the dense index, stored in each index version's `bm25/` folder.

Every passage is indexed twice over: its terms as written and, prefixed with "~", the same terms with every
diacritic folded away. A query typed without diacritics ("thanh hoa xep thu may") searches only the folded
terms, so it finds what the accented query finds; an accented query searches the exact terms first, so "đường"
prefers "đường" to "dương", and the folded terms with a lower weight, so a passage with one mistyped accent still
counts.

Files are JSON and .npy arrays (no pickle), exactly bm25s's own; the score matrix and the row ids are memory-mapped
when loaded. The build streams: it keeps (term id, count) arrays rather than every passage's terms, which
bm25s.BM25.index needs in Python lists (at 200k passages 0.7 GB instead of 3.7 GB added; python -m bench lexical).
"""
from __future__ import annotations

import hashlib
import json
import logging
from array import array
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from retriever.text.normalize import fold, has_diacritics
from retriever.text.tokens import ABBREVIATIONS_FILE, lexical_tokens

FOLDED = "~"
K1, B = 1.2, 0.75  # the usual BM25 defaults; not tuned on the evaluation sets
ROW_IDS = "rowids.npy"
META = "lexical.json"


@lru_cache(maxsize=1)
def tokenizer_id() -> str:
    """Recorded with the index: a reader whose tokenizer differs would look up terms the index never saw."""
    return "vi-syllables+bigrams+folded/2+" + hashlib.sha256(ABBREVIATIONS_FILE.read_bytes()).hexdigest()[:12]


def _quiet_bm25s() -> None:
    # bm25s sets its own logger to DEBUG and reports every build and load on the console.
    logging.getLogger("bm25s").setLevel(logging.WARNING)


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


class _Postings:
    """(term id, count) pairs of the passages streamed so far, passage after passage, in compact arrays.

    Pairs gather in array.array buffers (machine integers, not Python objects) and move into numpy chunks of about
    CHUNK pairs; a chunk always ends at a passage boundary, so each chunk can be weighted and placed on its own.
    """

    CHUNK = 1 << 20

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.row_ids = array("q")
        self.lengths = array("q")  # terms per passage, repeats included: BM25's document length
        self.distinct = array("q")  # distinct terms per passage: its number of (term id, count) pairs
        # (first passage, passage after the last, term ids, counts)
        self.chunks: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        self._first = 0
        self._term_ids = array("i")
        self._counts = array("i")

    def add(self, row_id: int, terms: list[str]) -> None:
        counts = Counter(terms)
        vocabulary = self.vocabulary
        self._term_ids.extend([vocabulary.setdefault(term, len(vocabulary)) for term in counts])
        self._counts.extend(counts.values())
        self.row_ids.append(row_id)
        self.lengths.append(len(terms))
        self.distinct.append(len(counts))
        if len(self._term_ids) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if len(self.row_ids) == self._first:
            return
        counts = np.array(self._counts, dtype=np.int32)
        # Counts are small (mostly 1); the smallest type that holds this chunk's largest keeps them at a byte.
        counts = counts.astype(np.min_scalar_type(int(counts.max(initial=0))))
        self.chunks.append((self._first, len(self.row_ids), np.array(self._term_ids, dtype=np.int32), counts))
        self._first = len(self.row_ids)
        self._term_ids = array("i")
        self._counts = array("i")


def _csc_matrix(postings: _Postings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """bm25s's eager score matrix (data, indices, indptr): passages × terms in CSC order, each column a term's
    postings sorted by passage, each value idf × tf component with bm25s's "lucene" formulas (bm25s.scoring:
    _score_idf_lucene, _score_tfc_lucene), computed in float64 and stored as float32 like bm25s does."""
    n_docs, n_terms = len(postings.row_ids), len(postings.vocabulary)
    lengths = np.array(postings.lengths, dtype=np.int64)
    distinct = np.array(postings.distinct, dtype=np.int64)
    avg_length = lengths.mean() or 1.0  # 0 only when no passage has a term, and then nothing is weighted
    df = np.zeros(n_terms, dtype=np.int64)
    for _, _, term_ids, _ in postings.chunks:
        df += np.bincount(term_ids, minlength=n_terms)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)  # bm25s keeps its idf in float32
    norm = K1 * ((1 - B) + B * lengths / avg_length)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    data = np.empty(indptr[-1], dtype=np.float32)
    indices = np.empty(indptr[-1], dtype=np.int32)
    heads = indptr[:-1].copy()  # where each term's next posting goes
    while postings.chunks:
        first, last, term_ids, counts = postings.chunks.pop(0)  # dropped once placed: the matrix replaces the chunks
        docs = np.repeat(np.arange(first, last, dtype=np.int32), distinct[first:last])
        tf = counts.astype(np.float64)
        scores = idf[term_ids] * (tf / (norm[docs] + tf))
        # A stable sort by term keeps each term's postings in passage order; chunks arrive in passage order too.
        order = np.argsort(term_ids, kind="stable")
        sorted_terms = term_ids[order]
        per_term = np.bincount(sorted_terms, minlength=n_terms)
        rank = np.arange(len(order)) - (np.cumsum(per_term) - per_term)[sorted_terms]
        target = heads[sorted_terms] + rank
        data[target] = scores[order]
        indices[target] = docs[order]
        heads += per_term
    return data, indices, indptr


def build(folder: Path, passages: Iterable[tuple[int, str]]) -> list[str]:
    """Index (chunk row id, passage text) pairs into `folder`; returns the names of the files written.

    Writes what bm25s.BM25(k1=K1, b=B).index(...).save(folder) writes for the same terms, without holding every
    passage's terms: memory grows with the (passage, distinct term) pairs, about 5 bytes each while streaming and
    8 in the final matrix."""
    _quiet_bm25s()
    folder.mkdir(parents=True, exist_ok=True)
    postings = _Postings()
    for row_id, text in passages:
        postings.add(row_id, document_terms(text))
    postings.flush()
    np.save(folder / ROW_IDS, np.asarray(postings.row_ids, dtype=np.int64), allow_pickle=False)
    if postings.row_ids:
        model = bm25s.BM25(k1=K1, b=B, method="lucene")  # the formulas _csc_matrix computes
        data, indices, indptr = _csc_matrix(postings)
        model.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": len(postings.row_ids)}
        # bm25s.index adds the empty term after the others (it has no column), for queries of no known term.
        postings.vocabulary.setdefault("", len(postings.vocabulary))
        model.vocab_dict = postings.vocabulary
        model.nonoccurrence_array = None  # only BM25L and BM25+ score the terms a passage lacks
        model.save(folder, show_progress=False)
    (folder / META).write_text(json.dumps({"tokenizer": tokenizer_id(), "passages": len(postings.row_ids)}),
                               encoding="utf-8")
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def tokenizer_of(folder: Path) -> str | None:
    try:
        return json.loads((folder / META).read_text(encoding="utf-8"))["tokenizer"]
    except (OSError, ValueError, KeyError):
        return None


class LexicalIndex:
    """A loaded BM25 index; read-only, safe to share between threads."""

    def __init__(self, folder: Path):
        _quiet_bm25s()
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
