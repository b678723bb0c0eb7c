"""Lines of a page (a PDF's text layer, or what OCR read) → paragraphs.

A printed page breaks a paragraph into lines where the paper ends; read line by line, an article is cut apart
and a quoted sentence stops mid-way. A line break is kept only where the text itself breaks: a heading
("Điều 5.", "Chương II", a line in capitals), a list item ("1.", "a)", "-"), a line that ends short (the next
line's first word would have fitted on it), a wider gap between lines, a table row. Everything else is joined,
across page breaks too, and a word hyphenated at the end of a line is put back together. Running headers and
footers that repeat on most pages, and page numbers, are dropped first.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fixed: bool = False  # a table row: never joined to another line, never taken for a running header


@dataclass
class Page:
    width: float
    lines: list[Line]


PAGE_NUMBER = re.compile(r"^\s*[-–—]?\s*(trang\s+)?\d{1,4}(\s*/\s*\d{1,4})?\s*[-–—]?\s*$", re.I)
# What opens a paragraph of its own: headings, list items, a line in capitals.
_STARTS_BLOCK = re.compile(
    r"^(?:(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục|ĐIỀU|Điều)\s+\S+"
    r"|\d{1,3}(?:\.\d{1,3})*[.)]\s|[a-zđ][)]\s|[IVXLC]+[.)]\s|[-–—•+*·]\s?\S|\(\d{1,3}\)\s)"
)
_SHORT_WORDS = 8
_EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running headers or footers


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


def _is_capitals(text: str) -> bool:
    letters = _letters(text)
    return len(letters) >= 2 and letters == letters.upper()


def drop_running_lines(pages: list[Page]) -> list[Page]:
    """Without the page numbers and the header/footer lines that repeat (digits aside: "Trang 3", "Số 123") at the
    top or bottom of most pages."""
    def edges(lines: list[Line]) -> set[int]:
        movable = [i for i, line in enumerate(lines) if not line.fixed]
        return set(movable[:_EDGE_LINES] + movable[-_EDGE_LINES:])

    def key(line: Line) -> str:
        # A short line may change its numbers from page to page ("Trang 3", "CÔNG BÁO/Số 123"); a longer one, such
        # as "Điều 3. ..." opening each page, must repeat word for word.
        words = line.text.split()
        return re.sub(r"\d+", "#", " ".join(words)) if len(words) <= _SHORT_WORDS else " ".join(words)

    counts = Counter()
    for page in pages:
        counts.update({key(page.lines[i]) for i in edges(page.lines)})
    repeated = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(3, len(pages) / 2)}
    out = []
    for page in pages:
        at_edge = edges(page.lines)
        kept = [
            line for i, line in enumerate(page.lines)
            if not (i in at_edge and (PAGE_NUMBER.match(line.text) or key(line) in repeated))
        ]
        out.append(Page(page.width, kept))
    return out


def _char_width(line: Line) -> float:
    return max(line.x1 - line.x0, 1.0) / max(len(line.text), 1)


def _right_edge(page: Page) -> float:
    """Where full lines end: the widest line, or the left margin mirrored when that is further right (a page of
    short lines does not show its right margin; administrative documents have a left margin at least as wide as
    the right one)."""
    lines = [line for line in page.lines if not line.fixed]
    if not lines:
        return page.width
    return max(max(line.x1 for line in lines), page.width - min(line.x0 for line in lines))


def _pitch(lines: list[Line]) -> float | None:
    steps = [b.top - a.top for a, b in zip(lines, lines[1:]) if not a.fixed and not b.fixed and b.top > a.top]
    return statistics.median(steps) if steps else None


def _continues(line: Line, nxt: Line, right: float, pitch: float | None, same_page: bool) -> bool:
    """Whether nxt carries on the paragraph of line (the break between them is only where the line was full)."""
    if line.fixed or nxt.fixed or _STARTS_BLOCK.match(nxt.text):
        return False
    if _is_capitals(line.text) != _is_capitals(nxt.text):  # a heading in capitals, then its body (or back)
        return False
    if same_page and pitch and nxt.top - line.top > 1.6 * pitch:  # a wider gap: a new paragraph
        return False
    # Measured in line's own characters: across a page break, nxt may be in other units (points, OCR pixels).
    first_word = nxt.text.split()[0]
    return right - line.x1 < (len(first_word) + 1) * _char_width(line)


def _join(left: str, right: str) -> str:
    """Two lines of one paragraph; "infor-" + "mation" is one word again, "kinh tế-" + "xã hội" keeps its hyphen."""
    if left.endswith("\u00ad"):
        return left[:-1] + right
    m = re.search(r"(\w+)-$", left)
    if m and right[:1].isalnum():
        before, after = m.group(1), re.match(r"\w*", right).group(0)
        if before.isascii() and before.isalpha() and before.islower() and after.isascii() and after.islower():
            return left[:-1] + right
        return left + right
    return f"{left} {right}"


def reflow(pages: list[Page]) -> list[str]:
    """The paragraphs of the pages, in order, each on one line."""
    paragraphs: list[str] = []
    previous: tuple[Line, float] | None = None  # the last line so far, and the right edge of its page
    for page in drop_running_lines(pages):
        right, pitch = _right_edge(page), _pitch(page.lines)
        for n, line in enumerate(page.lines):
            text = " ".join(line.text.split())
            if not text:
                continue
            line = Line(text, line.x0, line.x1, line.top, line.bottom, line.fixed)
            if previous and _continues(previous[0], line, previous[1], pitch, same_page=n > 0):
                paragraphs[-1] = _join(paragraphs[-1], text)
            else:
                paragraphs.append(text)
            previous = (line, right)
    return paragraphs
