"""Sentences of Vietnamese text, by underthesea's splitter, as offsets into the text; words and their parts of
speech by underthesea's tagger."""
from __future__ import annotations

import sys
import threading
from functools import lru_cache

_CLOSING_QUOTES = "\"”»'"

_UNDERTHESEA_LOCK = threading.RLock()
_loaded: dict[str, object] = {}


def _load(name: str):
    """underthesea's `name` function, loaded and called once. Its models load lazily into globals on the first
    call, and two threads making that first call at once break each other; so the first calls happen here, under
    a lock. Ingest needs only the sentence splitter: word segmentation's model (half a second) waits for answers."""
    if name not in _loaded:
        with _UNDERTHESEA_LOCK:
            if name not in _loaded:
                # underthesea's package import also loads its optional translation model's code, which imports
                # torch and transformers (3.3 s of a 4 s API start-up); we never translate, so that one is skipped.
                sys.modules.setdefault("underthesea.pipeline.translate", None)
                import underthesea

                function = getattr(underthesea, name)
                function("Khởi động bộ tách câu. Xong.")
                _loaded[name] = function
    return _loaded[name]


def sentence_splitter():
    """underthesea's sent_tokenize, loaded once."""
    return _load("sent_tokenize")


def underthesea_tools() -> tuple:
    """underthesea's (sent_tokenize, word_tokenize), both loaded once, and its tagger (the API loads them all at
    start-up, not on the first and concurrent requests)."""
    pos_tagger()
    return _load("sent_tokenize"), _load("word_tokenize")


def pos_tagger():
    """underthesea's pos_tag, loaded once (answers only)."""
    return _load("pos_tag")


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part of speech) by underthesea's tagger: "Doanh thu" N, "đạt" V, "bao nhiêu" P, "Sầm Sơn" Np."""
    return tuple(pos_tagger()(text))


def tagged_spans(text: str) -> list[tuple[int, int, str]]:
    """pos_tags() with each word's (start, end) offsets in text."""
    out = []
    cursor = 0
    for word, tag in pos_tags(text):
        at = text.find(word, cursor)
        if at < 0:  # the tagger changed the word (spacing): leave it out
            continue
        out.append((at, at + len(word), tag))
        cursor = at + len(word)
    return out


@lru_cache(maxsize=8192)  # the same passages come back for many questions
def _cached_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_sentence_spans(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text; a line break always ends a sentence."""
    return list(_cached_spans(text))


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text; a line break always ends a sentence.

    underthesea's Punkt-style splitter knows Vietnamese abbreviations ("TP. Sầm Sơn" is one sentence).
    """
    sent_tokenize = sentence_splitter()

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
