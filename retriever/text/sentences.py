"""Sentences of Vietnamese text, by underthesea's splitter, as offsets into the text."""
from __future__ import annotations

import sys
import threading

_CLOSING_QUOTES = "\"”»'"

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
