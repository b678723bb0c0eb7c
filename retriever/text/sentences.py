"""Sentences of Vietnamese text, by underthesea's splitter, as offsets into the text."""
from __future__ import annotations

import sys
import threading

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
    """underthesea's (sent_tokenize, word_tokenize), both loaded once (the API loads them at start-up)."""
    return _load("sent_tokenize"), _load("word_tokenize")


def sentence_spans(text: str) -> list[tuple[int, int]]:
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
