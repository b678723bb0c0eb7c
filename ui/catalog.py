"""What the page derives from the document list (GET /documents): example questions and filter values.

One request serves both, and nothing here asks the API anything: pure functions, tested without Streamlit.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from client import Document

# Titles that name a legal document ("Luật Thanh niên", "Nghị định số 13/2023/NĐ-CP") read best as
# "what does it regulate?"; the next word must be a name or number, so "Luật sư ..." is not one.
LEGAL_TYPES = re.compile(r"(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Quyết định|Thông tư|Chỉ thị) (\S)")
MIN_EXAMPLES = 3
_YEAR = re.compile(r"(\d{4})")


def _lower_first_word(text: str) -> str:
    words = text.split(" ")
    # A capital on the next word too means a name ("Hà Nội", "Bộ Tài chính"): keep it as written.
    if len(words) > 1 and words[1][:1].islower():
        words[0] = words[0][:1].lower() + words[0][1:]
    return " ".join(words)


def example_question(title: str) -> str:
    """A question a reader could ask about a document with this title, in Vietnamese."""
    title = " ".join(title.split()).rstrip(" .:;,!?")
    legal = LEGAL_TYPES.match(title)
    if legal and (legal.group(1).isupper() or legal.group(1).isdigit() or title[legal.start(1):].startswith("số ")):
        return f"{title} quy định những gì?"
    head, comma, _ = title.partition(", ")
    if comma and len(head.split()) >= 5:  # a news headline's first clause carries its subject; the rest is detail
        title = head
    place, colon, topic = title.partition(": ")
    if colon and topic and len(place.split()) <= 4:  # "Thanh Hóa: Xây dựng đề án" → "Thanh Hóa xây dựng đề án"
        title = f"{place} {_lower_first_word(topic)}"
    return f"{title} như thế nào?"


def _reads_like_a_sentence(title: str) -> bool:
    # Some articles have no headline and their lead sentence became the title; those make poor buttons.
    return title.rstrip().endswith((".", "!")) or len(title.split()) > 25


def example_questions(documents: Iterable[Document], limit: int = 4) -> list[str]:
    """Up to `limit` example questions, one per distinct title, short and headline-like ones first."""
    good: list[str] = []
    poor: list[str] = []
    for doc in documents:
        title = str(doc.get("title") or "").strip()
        if not title:
            continue
        question = example_question(title)
        bucket = poor if _reads_like_a_sentence(title) else good
        if question not in good and question not in poor:
            bucket.append(question)
    good.sort(key=len)
    poor.sort(key=len)
    # Lead sentences are used only when the corpus has too few headlines to fill the screen.
    return (good + (poor if len(good) < MIN_EXAMPLES else []))[:limit]


@dataclass(frozen=True)
class FilterOptions:
    """The values each sidebar filter can take; an empty list hides that filter."""

    doc_types: list[str]
    publishers: list[str]
    years: list[int]


def _year(doc: Document) -> int | None:
    if isinstance(doc.get("year"), int):
        return doc["year"]
    for field in ("issued_date", "published_date"):
        match = _YEAR.match(str(doc.get(field) or ""))
        if match:
            return int(match.group(1))
    return None


def filter_options(documents: Iterable[Document]) -> FilterOptions:
    doc_types: set[str] = set()
    publishers: set[str] = set()
    years: set[int] = set()
    for doc in documents:
        if doc.get("doc_type"):
            doc_types.add(str(doc["doc_type"]))
        if doc.get("publisher"):
            publishers.add(str(doc["publisher"]))
        year = _year(doc)
        if year is not None:
            years.add(year)
    return FilterOptions(
        doc_types=sorted(doc_types, key=str.casefold),
        publishers=sorted(publishers, key=str.casefold),
        years=sorted(years),
    )
