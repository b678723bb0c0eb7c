"""Vietnamese text as every stage compares it: one Unicode form (NFC), one tone-mark placement ("hoá" and "hóa"
are one word), no zero-width characters; and the same text with every diacritic folded away."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks (NFD): huyền, sắc, ngã, hỏi, nặng.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Open syllables whose tone mark is written in two places: "hoá"/"hóa", "khoẻ"/"khỏe", "thuỷ"/"thủy".
# We keep the traditional placement (on the first vowel), the one most Vietnamese government text uses.
_MOVABLE = re.compile(r"^(?P<onset>[^aeiouy]*)(?P<v1>[ou])(?P<v2>[aey])$")
_WORD = re.compile(r"\w+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@lru_cache(maxsize=1 << 16)  # called for every word of every text; the vocabulary is small
def _canonical_tone(word: str) -> str:
    nfd = unicodedata.normalize("NFD", word)
    tones = [c for c in nfd if c in _TONES]
    if len(tones) != 1:
        return word
    base = "".join(c for c in nfd if c not in _TONES)
    m = _MOVABLE.match(base.lower())
    # "qu" is a consonant: "quý" keeps its mark on y.
    if not m or m.group("onset").endswith("q"):
        return word
    pos = m.start("v1")  # onset letters carry no combining marks, so indexes line up
    out = base[: pos + 1] + tones[0] + base[pos + 1 :]
    return unicodedata.normalize("NFC", out)


def normalize(text: str) -> str:
    """NFC, one tone-mark placement, no zero-width characters, tidy whitespace; paragraphs kept."""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _WORD.sub(lambda m: _canonical_tone(m.group(0)), text)
    lines = [_HSPACE.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def fold(text: str) -> str:
    """Lower-case and strip every diacritic ("Thanh Hóa" → "thanh hoa", "đường" → "duong")."""
    nfd = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in nfd if unicodedata.category(c) != "Mn")


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()
