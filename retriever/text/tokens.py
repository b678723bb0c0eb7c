"""The terms BM25 indexes and searches, and the administrative abbreviations (abbreviations.tsv beside this file)
that both BM25 and the dense model are told about."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retriever.text.normalize import fold, normalize

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


@lru_cache(maxsize=1 << 14)  # every sentence of every passage answered, again for each question that finds it
def spell_out(text: str) -> str:
    """Text with each known abbreviation replaced by its expansion ("Bộ TT&TT" → "Bộ Thông tin và Truyền
    thông"), so that a name written either way compares equal."""
    text = normalize(text)
    return _TOKEN.sub(lambda m: _spelled(m.group(0)), text)


def _spelled(token: str) -> str:
    bare = token.rstrip("%")
    expansion = expansion_of(bare)
    return expansion + token[len(bare):] if expansion else token
