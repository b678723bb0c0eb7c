"""Vietnamese text rules shared by ingest and search: normalization and diacritic folding."""
from __future__ import annotations

import re
import unicodedata

# Combining tone marks (NFD): huyền, sắc, ngã, hỏi, nặng.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Open syllables whose tone mark is written in two places: "hoá"/"hóa", "khoẻ"/"khỏe", "thuỷ"/"thủy".
# We keep the traditional placement (on the first vowel), the one most Vietnamese government text uses.
_MOVABLE = re.compile(r"^(?P<onset>[^aeiouy]*)(?P<v1>[ou])(?P<v2>[aey])$")
_WORD = re.compile(r"\w+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CLOSING_QUOTES = "\"”»'"
_HSPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text; a line break always ends a sentence.

    underthesea's Punkt-style splitter knows Vietnamese abbreviations ("TP. Sầm Sơn" is one sentence).
    """
    from underthesea import sent_tokenize  # imported on first use: it loads its model data

    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        cursor = 0
        line_spans: list[tuple[int, int]] = []
        for sentence in sent_tokenize(line) if line.strip() else []:
            start = line.find(sentence, cursor)
            if start < 0:  # the splitter changed the text; fall back to the rest of the line
                start = cursor + (len(line[cursor:]) - len(line[cursor:].lstrip()))
                sentence = line[start:].rstrip()
            end = start + len(sentence)
            # The splitter leaves a closing quote at the start of the next sentence: give it back.
            if line_spans and line[start] in _CLOSING_QUOTES:
                line_spans[-1] = (line_spans[-1][0], start + 1)
                start += 1
                while start < end and line[start].isspace():
                    start += 1
            if end > start:
                line_spans.append((start, end))
            cursor = end
        spans.extend((offset + a, offset + b) for a, b in line_spans)
        offset += len(line) + 1
    return spans
