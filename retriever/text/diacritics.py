"""Accents for a query typed without them, taken from the passages that likely answer it."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from retriever.text.normalize import fold, has_diacritics, normalize

_WORD = re.compile(r"\w+")


def restore_diacritics(query: str, references: list[str]) -> str:
    """An unaccented query with each word given the accents it has in `references`, passages that likely
    answer it (the best BM25 hits, found through folded terms). Dense models read unaccented Vietnamese poorly;
    "thanh hoa xep thu may" becomes "thanh hóa xếp thứ mấy" where the passages say so.

    Each word takes the accented form that occurs most often in the references after the previous word and
    before the next one (folded), which picks "hóa" over "hoa" after "thanh"; words the references do not
    contain, and words already accented, stay as typed.
    """
    forms: dict[str, Counter] = defaultdict(Counter)
    after: Counter = Counter()  # (folded previous word, accented word)
    before: Counter = Counter()  # (accented word, folded next word)
    for ref in references:
        words = _WORD.findall(normalize(ref).lower())
        for i, w in enumerate(words):
            forms[fold(w)][w] += 1
            if i:
                after[fold(words[i - 1]), w] += 1
            if i + 1 < len(words):
                before[w, fold(words[i + 1])] += 1
    matches = list(_WORD.finditer(query))
    folded = [fold(m.group(0)) for m in matches]
    out, cursor = [], 0
    for i, m in enumerate(matches):
        word = m.group(0)
        candidates = forms.get(folded[i])
        if candidates and not has_diacritics(word):
            prev = folded[i - 1] if i else None
            nxt = folded[i + 1] if i + 1 < len(matches) else None
            word = max(
                candidates,
                key=lambda w: (after[prev, w] + before[w, nxt], candidates[w]),
            )
        out.append(query[cursor : m.start()] + word)
        cursor = m.end()
    return "".join(out) + query[cursor:]
