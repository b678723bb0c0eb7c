"""Vietnamese text rules shared by ingest and search: normalization, diacritic folding, lexical tokens and
administrative abbreviations (the table is abbreviations.tsv beside this file)."""
from __future__ import annotations

import re
import sys
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Combining tone marks (NFD): huyền, sắc, ngã, hỏi, nặng.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Open syllables whose tone mark is written in two places: "hoá"/"hóa", "khoẻ"/"khỏe", "thuỷ"/"thủy".
# We keep the traditional placement (on the first vowel), the one most Vietnamese government text uses.
_MOVABLE = re.compile(r"^(?P<onset>[^aeiouy]*)(?P<v1>[ou])(?P<v2>[aey])$")
_WORD = re.compile(r"\w+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CLOSING_QUOTES = "\"”»'"
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


_UNDERTHESEA_LOCK = threading.Lock()
_underthesea: tuple | None = None


def underthesea_tools() -> tuple:
    """underthesea's (sent_tokenize, word_tokenize), loaded once. Its models load lazily into globals on the first
    call, and two threads making that first call at once break each other; so the first calls happen here, under
    a lock."""
    global _underthesea
    if _underthesea is None:
        with _UNDERTHESEA_LOCK:
            if _underthesea is None:
                # underthesea's package import also loads its optional translation model's code, which imports
                # torch and transformers (3.3 s of a 4 s API start-up); we never translate, so that one is skipped.
                sys.modules.setdefault("underthesea.pipeline.translate", None)
                from underthesea import sent_tokenize, word_tokenize

                sent_tokenize("Khởi động. Xong.")
                word_tokenize("Khởi động bộ tách từ")
                _underthesea = (sent_tokenize, word_tokenize)
    return _underthesea


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text; a line break always ends a sentence.

    underthesea's Punkt-style splitter knows Vietnamese abbreviations ("TP. Sầm Sơn" is one sentence).
    """
    sent_tokenize, _ = underthesea_tools()

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


# -- lexical tokens ---------------------------------------------------------------------------------------------
# A token is a run of letters and digits, joined through &, /, -, . or , when another letter or digit follows:
# "TT&TT", "58/NQ-TW", "98,7%", "1.525.644", "TP.HCM" stay whole; "TP." loses its full stop.
_TOKEN = re.compile(r"\w+(?:[&/.,\-]\w+)*%?")
# Pieces of a compound token. A full stop or comma between two digits is part of a number and does not split.
_PARTS = re.compile(r"[&/\-]|(?<=\D)[.,]|[.,](?=\D)")
ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.tsv")


@dataclass(frozen=True)
class _Unit:
    """One token of the text, with the lexical terms it stands for."""

    terms: tuple[str, ...]  # the token lower-cased, then its parts when it is a compound
    expansion: tuple[str, ...] = ()  # syllables of the abbreviation's expansion, when it is one
    joined: bool = False  # only spaces separate it from the previous token (same phrase)


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """The abbreviation table, key as written → expansion."""
    table: dict[str, str] = {}
    for line in ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, expansion = line.split("\t")
            table[normalize(key).rstrip(".")] = normalize(expansion)
    return table


@lru_cache(maxsize=1)
def _abbreviation_lookup() -> tuple[dict[str, str], dict[str, str]]:
    """(any-case keys, exact-case keys). Short keys ("TW", "NQ", "TP") lower-cased collide with ordinary words,
    so they match only as written; longer ones ("UBND", "hđnd", "hdnd") in any case, accented or folded."""
    any_case: dict[str, str] = {}
    exact: dict[str, str] = {}
    for key, expansion in abbreviations().items():
        if sum(c.isalpha() for c in key) >= 3:
            any_case[key.lower()] = any_case[fold(key)] = expansion
        else:
            exact[key] = exact[fold(key).upper()] = expansion
    return any_case, exact


def expansion_of(token: str) -> str | None:
    """The expansion of an abbreviation as written in text ("UBND", "hdnd", "NĐ-CP"), or None."""
    any_case, exact = _abbreviation_lookup()
    return exact.get(token) or any_case.get(token.lower())


def _expansion_in(token: str) -> str | None:
    """The longest abbreviation in a token: the whole token, else one of its "/" segments ("91/2015/NĐ-CP")."""
    for candidate in [token, *token.split("/")]:
        found = expansion_of(candidate)
        if found:
            return found
    return None


@lru_cache(maxsize=1 << 16)  # called for every token of every passage; far fewer distinct ones
def _analyse(surface: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(terms, expansion syllables) of one token as written."""
    word = surface.lower()
    parts = [p for p in _PARTS.split(word.rstrip("%")) if p]
    expansion = _expansion_in(surface.rstrip("%"))
    return (
        (word, *parts) if len(parts) > 1 else (word,),
        tuple(t.lower() for t in _TOKEN.findall(expansion)) if expansion else (),
    )


def _units(text: str) -> list[_Unit]:
    text = normalize(text)
    units: list[_Unit] = []
    previous_end = None
    for m in _TOKEN.finditer(text):
        terms, expansion = _analyse(m.group(0))
        gap = text[previous_end : m.start()].strip(" ") if previous_end is not None else None
        # "TP. Sầm Sơn": the full stop of an abbreviation does not end the phrase.
        joined = gap == "" or (gap == "." and bool(units) and bool(units[-1].expansion))
        units.append(_Unit(terms=terms, expansion=expansion, joined=joined))
        previous_end = m.end()
    return units


def lexical_tokens(text: str) -> list[str]:
    """The terms BM25 indexes and searches, accents kept: syllables, numbers and codes lower-cased, the parts of
    compound codes, the syllables of abbreviation expansions, and bigrams of adjacent syllables.

    One-letter tokens ("điểm a") and numbers ("khoản 2", "12/63", "98,7%") are kept; no stop words are removed,
    since IDF already discounts function words and questions hinge on some of them ("không", "được").
    Bigrams ("thanh hóa", "xếp thứ") make phrases count: on ALQAC they lift Recall@1 from 0.831 to 0.915 over
    syllables alone, more than word segmentation (pyvi, 0.848) does. They never cross punctuation or a line
    break, and an abbreviation joins its neighbours both as written and through its expansion, so
    "UBND tỉnh" and "Ủy ban nhân dân tỉnh" share the bigram "dân tỉnh".
    """
    tokens: list[str] = []
    units = _units(text)
    for i, unit in enumerate(units):
        tokens.extend(unit.terms)
        tokens.extend(unit.expansion)
        tokens.extend(f"{a} {b}" for a, b in zip(unit.expansion, unit.expansion[1:]))
        if i and unit.joined:
            before = units[i - 1]
            tails = dict.fromkeys((before.terms[0], *before.expansion[-1:]))
            heads = dict.fromkeys((unit.terms[0], *unit.expansion[:1]))
            tokens.extend(f"{a} {b}" for a in tails for b in heads)
    return tokens


def expand_abbreviations(text: str) -> str:
    """Text with each known abbreviation followed by its expansion in brackets ("UBND (Ủy ban nhân dân) tỉnh"),
    for embedding a query: a dense model knows the full words better than the letters. An expansion the text
    already spells out is not repeated."""
    text = normalize(text)
    seen = fold(text)
    out: list[str] = []
    cursor = 0
    for m in _TOKEN.finditer(text):
        expansion = _expansion_in(m.group(0).rstrip("%"))
        if expansion and fold(expansion) not in seen:
            out.append(text[cursor : m.end()] + f" ({expansion})")
            cursor = m.end()
            seen += " " + fold(expansion)
    return "".join(out) + text[cursor:]


SECTION_SEPARATOR = " > "  # between the levels of Chunk.section: "Chương II > Điều 5. Phạm vi > Khoản 2"


def passage_with_context(title: str, section: str, text: str) -> str:
    """A passage as it is embedded and indexed: under its document's title and section path, so that a clause
    split from its article still says which article it belongs to. Headings the passage already begins with
    (the first passage of an article opens with its title) are not repeated."""
    opening = text[:300]
    head = [title] if title and not text.startswith(title) else []
    path = [p for p in section.split(SECTION_SEPARATOR) if p and p not in opening and p != title]
    if path:
        head.append(SECTION_SEPARATOR.join(path))
    return "\n".join([*head, text])


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
