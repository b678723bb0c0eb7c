"""What the page derives from the document list (GET /documents): the filter values.

Nothing here asks the API anything: pure functions, tested without Streamlit. Example questions are not made
here from titles ("<title> như thế nào?" is often a question no sentence answers): the API writes them from the
documents' content and checks each one (GET /questions, GET /documents/{doc_id}/questions).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from client import Document

_YEAR = re.compile(r"(\d{4})")


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
