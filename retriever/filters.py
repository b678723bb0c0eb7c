"""Which documents a search may return: the one filter rule. The FAISS store applies matches() to the candidates of
a search; the Milvus store pushes the same rule down into its own search (store/milvus.py, filter_expression)."""
from __future__ import annotations

from dataclasses import dataclass, fields

from retriever.types import DocumentInfo


@dataclass(frozen=True)
class Filters:
    """Restrictions of a search to some documents; None means no restriction on that field."""

    doc_type: str | None = None  # "Nghị định", "Quyết định", … compared without case
    year_from: int | None = None  # of issue for legal documents, of publication otherwise
    year_to: int | None = None
    publisher: str | None = None  # compared without case
    source: str | None = None  # a source exactly, or a folder prefix ending in "/"

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))


def matches(doc: DocumentInfo, filters: Filters) -> bool:
    """Whether a document passes the filters; a document without a date fails any year bound."""
    if filters.doc_type and (doc.doc_type or "").casefold() != filters.doc_type.casefold():
        return False
    if filters.publisher and (doc.publisher or "").casefold() != filters.publisher.casefold():
        return False
    if filters.source:
        prefix = filters.source.endswith("/")
        if not (doc.source.startswith(filters.source) if prefix else doc.source == filters.source):
            return False
    if filters.year_from is not None or filters.year_to is not None:
        year = doc.year
        if year is None:
            return False
        if filters.year_from is not None and year < filters.year_from:
            return False
        if filters.year_to is not None and year > filters.year_to:
            return False
    return True
