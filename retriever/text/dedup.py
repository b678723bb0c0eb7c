"""Near-duplicate text: the same story from two publishers, the same passage indexed twice.

Texts are compared as sets of three-syllable shingles with diacritics folded, so a re-typed copy with other
tone-mark placement or lost accents still matches. Documents are compared at ingest through MinHash signatures
(stored with the index, bucketed by LSH so the cost stays linear in the corpus); the few passages of one
search result are compared exactly.
"""
from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

import numpy as np

from retriever.text.normalize import fold

SHINGLE = 3
NUM_HASHES = 63
BAND = 3  # 21 bands of 3: a pair at Jaccard 0.5 becomes a candidate with probability 0.94, at 0.1 with 0.02
_PRIME = (1 << 61) - 1


@lru_cache(maxsize=1)
def _hash_parameters() -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the hash functions a·x + b mod p. Seeded: signatures stored in an index must stay comparable."""
    rng = np.random.default_rng(20240601)
    return (rng.integers(1, _PRIME, size=NUM_HASHES, dtype=np.uint64),
            rng.integers(0, _PRIME, size=NUM_HASHES, dtype=np.uint64))
_WORD = re.compile(r"\w+")

T = TypeVar("T")


def shingles(text: str) -> set[str]:
    words = _WORD.findall(fold(text))
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def signature(text: str) -> np.ndarray:
    """MinHash of the text's shingles: NUM_HASHES uint32, stored as bytes with the document."""
    hashes = np.fromiter((zlib.crc32(s.encode()) for s in shingles(text)), dtype=np.uint64)
    if not len(hashes):
        return np.full(NUM_HASHES, np.iinfo(np.uint32).max, dtype=np.uint32)
    # (a·x + b) mod p per hash function; uint64 products wrap, which keeps them well mixed for this purpose.
    a, b = _hash_parameters()
    mixed = (a[:, None] * hashes[None, :] + b[:, None]) % np.uint64(_PRIME)
    return (mixed.min(axis=1) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def similar_pairs(
    signatures: dict[str, np.ndarray], among: set[str], threshold: float
) -> list[tuple[str, str, float]]:
    """Pairs (key in `among`, any other key, estimated Jaccard ≥ threshold), most similar first."""
    buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
    for key, sig in signatures.items():
        for band in range(NUM_HASHES // BAND):
            buckets[band, sig[band * BAND : (band + 1) * BAND].tobytes()].append(key)
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple[str, str, float]] = []
    for keys in buckets.values():
        for a in keys:
            if a not in among:
                continue
            for b in keys:
                pair = (min(a, b), max(a, b))
                if a == b or pair in seen:
                    continue
                seen.add(pair)
                similarity = estimated_jaccard(signatures[a], signatures[b])
                if similarity >= threshold:
                    pairs.append((a, b, similarity))
    return sorted(pairs, key=lambda p: -p[2])


def collapse(items: Sequence[T], text: Callable[[T], str], threshold: float) -> list[T]:
    """Items in order, without those whose text is near-identical (Jaccard ≥ threshold) to an earlier one."""
    kept: list[T] = []
    kept_shingles: list[set[str]] = []
    for item in items:
        s = shingles(text(item))
        if all(jaccard(s, k) < threshold for k in kept_shingles):
            kept.append(item)
            kept_shingles.append(s)
    return kept
