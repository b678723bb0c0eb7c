"""Split a document's body into passages: by the structure of legal and policy text first, then by sentences.

Headings (Phần, Chương, Mục, Điều, and Markdown "#" headings) open a new block and become the section path of
every passage under them ("Chương II > Điều 5. Phạm vi điều chỉnh"). A passage never mixes two articles (Điều):
an article that fits in one passage is one passage; a longer one is cut between its clauses (khoản "1.", "2."),
a clause still too long between its points (điểm "a)", "b)"), and only then between sentences. The path of such
a piece names its clauses ("… > Điều 5. Phạm vi > Khoản 2–3"), so the article heading stays with it as
context (see retriever.text.passage_with_context). Text without any of this structure, such as a news article,
is packed by sentences with overlap, as before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retriever.text.passages import SECTION_SEPARATOR
from retriever.text.sentences import sentence_spans
from retriever.types import Chunk

ARTICLE = 4  # heading level of an article (Điều)
# (level, pattern) of heading lines. An article heading needs its number followed by "." or ":" or the end of
# the line: "Điều 5 của Luật này quy định…" is a sentence, not a heading.
_HEADINGS = [
    (1, re.compile(r"^(?:PHẦN|Phần)\s+(?:(?:THỨ|thứ)\s+\w+|[IVXLC]+\b|\d+\b)")),
    (2, re.compile(r"^(?:CHƯƠNG|Chương)\s+(?:[IVXLC]+|\d+)\b")),
    (3, re.compile(r"^(?:MỤC|Mục)\s+(?:[IVXLC]+|\d+)\b")),
    (ARTICLE, re.compile(r"^(?:ĐIỀU|Điều)\s+\d+[a-zđ]?\s*(?:[.:]|$)")),
]
_MARKDOWN = re.compile(r"^(#{1,6})\s+(\S.*)$")
# Inside an article: clauses, then points.
_LEVELS = [("Khoản", re.compile(r"^(\d{1,3})\.\s+\S")), ("Điểm", re.compile(r"^([a-zđ])\)\s+\S"))]
_MAX_LABEL = 160
_LINE = re.compile(r"[^\n]+")


@dataclass
class _Block:
    start: int
    end: int
    path: tuple[str, ...]
    article: bool
    has_body: bool = False
    pieces: list[tuple[int, int, tuple[str, ...]]] = field(default_factory=list)


def _label(line: str) -> str:
    line = line.strip().rstrip(":")
    if len(line) <= _MAX_LABEL:
        return line
    return line[:_MAX_LABEL].rsplit(" ", 1)[0] + "…"


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the non-blank lines, without their leading and trailing spaces."""
    out = []
    for m in _LINE.finditer(text):
        line = m.group(0)
        if line.strip():
            start = m.start() + len(line) - len(line.lstrip())
            out.append((start, m.start() + len(line.rstrip())))
    return out


def _heading(line: str) -> tuple[int, str, bool] | None:
    """(level, label, bare) of a heading line; bare when it is only "Chương I", its name on the next line."""
    m = _MARKDOWN.match(line)
    if m:
        return len(m.group(1)), _label(m.group(2)), False
    for level, pattern in _HEADINGS:
        m = pattern.match(line)
        if m:
            return level, _label(line), m.end() >= len(line.rstrip(" .:"))
    return None


def _blocks(text: str) -> list[_Block]:
    """Consecutive spans of text, each under one heading path; an article is always a block of its own."""
    lines = _lines(text)
    path: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        start, end = lines[i]
        heading = _heading(text[start:end])
        if heading:
            level, label, bare = heading
            # "CHƯƠNG I" on one line, "NHỮNG QUY ĐỊNH CHUNG" on the next: one heading.
            if level < ARTICLE and bare and i + 1 < len(lines):
                nxt = text[lines[i + 1][0] : lines[i + 1][1]]
                if nxt.isupper() and not _heading(nxt):
                    label = _label(f"{label.rstrip('.:')}. {nxt}")
                    i += 1
                    end = lines[i][1]
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, label))
            blocks.append(_Block(start, end, tuple(lbl for _, lbl in path), article=level == ARTICLE))
        else:
            if not blocks:
                blocks.append(_Block(start, end, (), article=False))
            blocks[-1].end = end
            blocks[-1].has_body = True
        i += 1
    # A heading with nothing under it before the next heading lives on in the path of what follows.
    return [b for b in blocks if b.has_body or b.article]


def _split_long_sentence(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """A 'sentence' longer than a chunk (a table row, a list without full stops) is cut on words."""
    # Imported here: langchain's import costs half a second, and most documents have no such sentence.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=0, separators=["; ", ", ", " ", ""], add_start_index=True
    )
    pieces = []
    for doc in splitter.create_documents([text[start:end]]):
        a = start + doc.metadata["start_index"]
        pieces.append((a, a + len(doc.page_content)))
    return pieces


def _pack_sentences(text: str, start: int, end: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy packing of whole sentences of text[start:end] into spans of at most `size` characters.

    Consecutive spans share up to `overlap` characters of whole sentences, so a fact split across a boundary is
    still whole in one of them.
    """
    units: list[tuple[int, int]] = []
    for a, b in sentence_spans(text[start:end]):
        a, b = a + start, b + start
        units.extend(_split_long_sentence(text, a, b, size) if b - a > size else [(a, b)])
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and units[j + 1][1] - units[i][0] <= size:
            j += 1
        spans.append((units[i][0], units[j][1]))
        if j + 1 >= len(units):
            break
        # Next span starts with the trailing sentences of this one that fit in the overlap.
        k = j + 1
        while k - 1 > i and units[j][1] - units[k - 1][0] <= overlap:
            k -= 1
        i = k
    return spans


def _range_label(name: str, keys: list[str]) -> str:
    return f"{name} {keys[0]}" if len(keys) == 1 else f"{name} {keys[0]}–{keys[-1]}"


def _split_structured(
    text: str, start: int, end: int, size: int, overlap: int, levels: list, path: tuple[str, ...]
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Pieces of an article (or of one of its clauses) of at most `size` characters, cut at the highest
    structural level present; consecutive clauses that fit together share a piece."""
    if end - start <= size:
        return [(start, end, path)]
    lines = [(a + start, b + start) for a, b in _lines(text[start:end])]
    for depth, (name, pattern) in enumerate(levels):
        marks = [(a, m.group(1)) for a, b in lines if (m := pattern.match(text[a:b]))]
        if marks:
            break
    else:
        return [(a, b, path) for a, b in _pack_sentences(text, start, end, size, overlap)]
    bounds = [a for a, _ in marks] + [end]
    units = [(start, marks[0][0], None)] if marks[0][0] > start else []
    units += [(a, bounds[n + 1], key) for n, (a, key) in enumerate(marks)]
    units = [(a, a + len(text[a:b].rstrip()), key) for a, b, key in units]

    pieces: list[tuple[int, int, tuple[str, ...]]] = []
    group: list[tuple[int, int, str | None]] = []

    def flush() -> None:
        if group:
            keys = [k for _, _, k in group if k is not None]
            pieces.append((group[0][0], group[-1][1], path + ((_range_label(name, keys),) if keys else ())))
            group.clear()

    for a, b, key in units:
        if b - a > size:
            flush()
            sub_path = path + ((_range_label(name, [key]),) if key else ())
            pieces.extend(_split_structured(text, a, b, size, overlap, levels[depth + 1 :], sub_path))
        else:
            if group and b - group[0][0] > size:
                flush()
            group.append((a, b, key))
    flush()
    return pieces


def chunk_text(doc_id: str, text: str, size: int = 900, overlap: int = 120) -> list[Chunk]:
    """Passages of at most `size` characters, each with its section path and its offsets in `text`."""
    pieces: list[tuple[int, int, tuple[str, ...]]] = []
    for block in _blocks(text):
        if block.article:
            pieces.extend(_split_structured(text, block.start, block.end, size, overlap, _LEVELS, block.path))
        else:
            pieces.extend((a, b, block.path) for a, b in _pack_sentences(text, block.start, block.end, size, overlap))
    return [
        Chunk(
            chunk_id=f"{doc_id}:{n}",
            doc_id=doc_id,
            position=n,
            text=text[a:b],
            section=SECTION_SEPARATOR.join(path),
            start_char=a,
            end_char=b,
        )
        for n, (a, b, path) in enumerate(pieces)
    ]
