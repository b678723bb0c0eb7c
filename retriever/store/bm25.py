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
# Beside bm25s's files, for the next commit's incremental build (bm25s's own reader ignores them): each posting's
# term count, in the score matrix's order, and each passage's length in terms.
COUNTS = "counts.npy"
LENGTHS = "lengths.npy"
_BM25S = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "vocab.index.json")


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


def _idf(n_docs: int, df: np.ndarray) -> np.ndarray:
    return np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)  # bm25s keeps its idf in float32


def _norms(lengths: np.ndarray) -> np.ndarray:
    """K1 × (1 − B + B × length / average length), per passage; the mean of integers is exact in any order."""
    avg_length = lengths.mean() or 1.0  # 0 only when no passage has a term, and then nothing is weighted
    return K1 * ((1 - B) + B * lengths / avg_length)


def _weights(idf_of_postings: np.ndarray, counts: np.ndarray, norm_of_postings: np.ndarray) -> np.ndarray:
    tf = counts.astype(np.float64)
    return idf_of_postings * (tf / (norm_of_postings + tf))


def _csc_matrix(postings: _Postings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """bm25s's eager score matrix (data, indices, indptr): passages × terms in CSC order, each column a term's
    postings sorted by passage, each value idf × tf component with bm25s's "lucene" formulas (bm25s.scoring:
    _score_idf_lucene, _score_tfc_lucene), computed in float64 and stored as float32 like bm25s does; and the
    term counts in the same order."""
    n_docs, n_terms = len(postings.row_ids), len(postings.vocabulary)
    lengths = np.array(postings.lengths, dtype=np.int64)
    distinct = np.array(postings.distinct, dtype=np.int64)
    df = np.zeros(n_terms, dtype=np.int64)
    for _, _, term_ids, _ in postings.chunks:
        df += np.bincount(term_ids, minlength=n_terms)
    idf = _idf(n_docs, df)
    norm = _norms(lengths)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    data = np.empty(indptr[-1], dtype=np.float32)
    indices = np.empty(indptr[-1], dtype=np.int32)
    tf_out = np.empty(indptr[-1], dtype=np.result_type(np.uint8, *(c[3].dtype for c in postings.chunks)))
    heads = indptr[:-1].copy()  # where each term's next posting goes
    while postings.chunks:
        first, last, term_ids, counts = postings.chunks.pop(0)  # dropped once placed: the matrix replaces the chunks
        docs = np.repeat(np.arange(first, last, dtype=np.int32), distinct[first:last])
        scores = _weights(idf[term_ids], counts, norm[docs])
        # A stable sort by term keeps each term's postings in passage order; chunks arrive in passage order too.
        order = np.argsort(term_ids, kind="stable")
        sorted_terms = term_ids[order]
        per_term = np.bincount(sorted_terms, minlength=n_terms)
        rank = np.arange(len(order)) - (np.cumsum(per_term) - per_term)[sorted_terms]
        target = heads[sorted_terms] + rank
        data[target] = scores[order]
        indices[target] = docs[order]
        tf_out[target] = counts[order]
        heads += per_term
    return data, indices, indptr, tf_out


def _save(folder: Path, row_ids: np.ndarray, lengths: np.ndarray, vocabulary: dict[str, int],
          matrix: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None) -> list[str]:
    """Write an index: bm25s's files (what bm25s.BM25.save writes), row ids, lengths and term counts."""
    _quiet_bm25s()
    np.save(folder / ROW_IDS, np.asarray(row_ids, dtype=np.int64), allow_pickle=False)
    np.save(folder / LENGTHS, np.asarray(lengths, dtype=np.int32), allow_pickle=False)
    np.save(folder / COUNTS, matrix[3] if len(row_ids) else np.zeros(0, np.uint8), allow_pickle=False)
    if len(row_ids):
        data, indices, indptr, _ = matrix
        model = bm25s.BM25(k1=K1, b=B, method="lucene")  # the formulas _csc_matrix computes
        model.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": len(row_ids)}
        # bm25s.index adds the empty term after the others (it has no column), for queries of no known term.
        vocabulary.setdefault("", len(vocabulary))
        model.vocab_dict = vocabulary
        model.nonoccurrence_array = None  # only BM25L and BM25+ score the terms a passage lacks
        model.save(folder, show_progress=False)
    (folder / META).write_text(json.dumps({"tokenizer": tokenizer_id(), "passages": len(row_ids)}), encoding="utf-8")
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def build(folder: Path, passages: Iterable[tuple[int, str]]) -> list[str]:
    """Index (chunk row id, passage text) pairs into `folder`; returns the names of the files written.

    Writes what bm25s.BM25(k1=K1, b=B).index(...).save(folder) writes for the same terms, without holding every
    passage's terms: memory grows with the (passage, distinct term) pairs, about 5 bytes each while streaming and
    8 in the final matrix."""
    folder.mkdir(parents=True, exist_ok=True)
    postings = _Postings()
    for row_id, text in passages:
        postings.add(row_id, document_terms(text))
    postings.flush()
    lengths = np.array(postings.lengths, dtype=np.int64)
    matrix = _csc_matrix(postings) if postings.row_ids else None
    return _save(folder, np.asarray(postings.row_ids, dtype=np.int64), lengths, postings.vocabulary, matrix)


def build_incremental(previous: Path, folder: Path, removed: Iterable[int],
                      added: Iterable[tuple[int, str]]) -> list[str] | None:
    """The index of `previous` less the passages of row ids `removed`, plus the (row id, text) pairs `added`,
    written into `folder`; returns the names of the files written, or None when `previous` cannot be reused
    (another tokenizer, no stored term counts: an index written before them) and build() must run instead.

    Only the added passages are tokenized. BM25's weights depend on every passage (IDF on the number of passages
    and each term's document frequency, the length norm on the average length), so every weight is computed
    again, from the term counts and lengths stored with `previous`: the files are those build() writes for the
    same passages (same scores, to the bit; the vocabulary may be numbered in another order). Added row ids must
    all be above the kept ones (SQLite and Milvus hand out increasing ids), so that passages stay in row-id
    order, as build() has them; otherwise None."""
    if not reusable(previous):
        return None
    old_ids = row_ids(previous)
    keep = ~np.isin(old_ids, np.fromiter(removed, dtype=np.int64))
    kept_ids = old_ids[keep]
    postings = _Postings()
    if len(old_ids):
        vocabulary = json.loads((previous / _BM25S[3]).read_text(encoding="utf-8"))
        vocabulary.pop("", None)  # the query-only empty term, re-added after the new terms
        postings.vocabulary = vocabulary
    for row_id, text in added:
        postings.add(row_id, document_terms(text))
    postings.flush()
    new_ids = np.asarray(postings.row_ids, dtype=np.int64)
    if (len(kept_ids) and len(new_ids) and new_ids.min() <= kept_ids.max()) or np.any(np.diff(new_ids) <= 0):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    all_ids = np.concatenate([kept_ids, new_ids])
    lengths = np.concatenate([np.load(previous / LENGTHS, allow_pickle=False)[keep].astype(np.int64),
                              np.asarray(postings.lengths, dtype=np.int64)])
    if not len(all_ids):
        return _save(folder, all_ids, lengths, {}, None)
    n_terms = len(postings.vocabulary)
    # Old postings that stay: (term, new passage position, count), already in column order.
    if len(old_ids):
        indptr = np.load(previous / _BM25S[2], allow_pickle=False)
        indices = np.load(previous / _BM25S[1], allow_pickle=False)
        stays = keep[indices]
        old_terms = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))[stays]
        old_docs = (np.cumsum(keep) - 1).astype(np.int32)[indices[stays]]
        old_counts = np.load(previous / COUNTS, allow_pickle=False)[stays]
        del indices, stays
    else:
        old_terms = old_docs = np.zeros(0, dtype=np.int32)
        old_counts = np.zeros(0, dtype=np.uint8)
    # New postings, in passage order; each term's come after its old ones, since new passages come last.
    distinct = np.asarray(postings.distinct, dtype=np.int64)
    new_terms = np.concatenate([c[2] for c in postings.chunks] or [np.zeros(0, np.int32)])
    new_counts = np.concatenate([c[3] for c in postings.chunks] or [np.zeros(0, np.uint8)])
    new_docs = (len(kept_ids) + np.repeat(np.arange(len(new_ids)), distinct)).astype(np.int32)
    old_df = np.bincount(old_terms, minlength=n_terms)
    new_df = np.bincount(new_terms, minlength=n_terms)
    df = old_df + new_df
    # Terms left without a passage lose their column, as build() would never have seen them.
    live = df > 0
    renumber = np.cumsum(live) - 1
    vocabulary = {t: int(renumber[i]) for t, i in postings.vocabulary.items() if live[i]}
    df, old_df = df[live], old_df[live]
    old_terms, new_terms = renumber[old_terms], renumber[new_terms]
    indptr = np.zeros(len(df) + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    old_starts = np.cumsum(old_df) - old_df  # where each term's old postings start among the old ones
    old_target = indptr[:-1][old_terms] + (np.arange(len(old_terms)) - old_starts[old_terms])
    order = np.argsort(new_terms, kind="stable")
    sorted_terms = new_terms[order]
    per_term = np.bincount(sorted_terms, minlength=len(df))
    rank = np.arange(len(order)) - (np.cumsum(per_term) - per_term)[sorted_terms]
    new_target = np.empty(len(order), dtype=np.int64)
    new_target[order] = indptr[:-1][sorted_terms] + old_df[sorted_terms] + rank
    idf, norm = _idf(len(all_ids), df), _norms(lengths)
    data = np.empty(indptr[-1], dtype=np.float32)
    indices = np.empty(indptr[-1], dtype=np.int32)
    counts = np.empty(indptr[-1], dtype=np.result_type(old_counts.dtype, new_counts.dtype))
    for target, terms, docs, tf in ((old_target, old_terms, old_docs, old_counts),
                                    (new_target, new_terms, new_docs, new_counts)):
        data[target] = _weights(idf[terms], tf, norm[docs])
        indices[target] = docs
        counts[target] = tf
    return _save(folder, all_ids, lengths, vocabulary, (data, indices, indptr, counts))


def reusable(folder: Path) -> bool:
    """Whether build_incremental can start from this index: same tokenizer, term counts stored."""
    return tokenizer_of(folder) == tokenizer_id() and (folder / COUNTS).exists() and (folder / LENGTHS).exists()


def row_ids(folder: Path) -> np.ndarray:
    """The chunk row ids an index holds, in its passage order."""
    return np.load(folder / ROW_IDS, allow_pickle=False)


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
