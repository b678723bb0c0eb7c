"""Abbreviations a document defines for itself: "Điểm trung bình chung tích lũy (ĐTBCTL)", "Học phí học kỳ
(HPHK)". Resolutions and regulations coin their own on every page, so no fixed table (abbreviations.tsv) knows
them; they are read from the passages that define them, where the letters are the initials of the words just
before the brackets.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from retriever.text.normalize import normalize
from retriever.text.tokens import expansion_of

# An acronym in brackets: two to eight capitals (digits and "&" allowed after the first letter).
_DEFINED = re.compile(r"\(\s*([A-ZĐ][A-ZĐ0-9&]{1,7})\s*\)")
_WORDS_BEFORE = re.compile(r"[\w-]+")
# An acronym as a question or passage writes it.
_ACRONYM = re.compile(r"(?<![\w&])[A-ZĐ][A-ZĐ0-9&]{1,7}(?![\w&])")


def _initials(words: list[str]) -> str:
    return "".join(w[0].upper() for w in words)


def defined_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Acronym → the words it stands for, from every "words (ACRONYM)" of the texts whose last words' initials
    spell the acronym's letters; the first definition of each acronym wins."""
    found: dict[str, str] = {}
    for text in texts:
        for m in _DEFINED.finditer(text):
            acronym = m.group(1)
            if acronym in found or expansion_of(acronym):
                continue
            letters = re.sub(r"[^A-ZĐ]", "", acronym)
            # The words of the same clause just before the bracket, as many as the acronym has letters.
            clause = re.split(r"[.;:,()\n]", text[max(0, m.start() - 200) : m.start()])[-1]
            words = _WORDS_BEFORE.findall(clause)[-len(letters) :]
            if len(words) == len(letters) >= 2 and _initials(words) == letters:
                found[acronym] = " ".join(words)
    return found


def acronyms(text: str) -> set[str]:
    """The acronyms a text writes that the fixed table does not know ("HPHK", "TCHPCT"; not "UBND")."""
    return {a for a in _ACRONYM.findall(normalize(text)) if not expansion_of(a)}


def expand_defined(text: str, table: dict[str, str]) -> str:
    """Text with each acronym of `table` followed by what it stands for in brackets, unless the text already
    says it: "HPHK phụ thuộc vào đâu?" → "HPHK (Học phí học kỳ) phụ thuộc vào đâu?"."""
    if not table:
        return text
    text = normalize(text)
    lowered = text.lower()

    def expanded(m: re.Match[str]) -> str:
        words = table.get(m.group(0))
        return f"{m.group(0)} ({words})" if words and words.lower() not in lowered else m.group(0)

    return _ACRONYM.sub(expanded, text)
