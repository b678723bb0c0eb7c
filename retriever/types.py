"""Plain data passed between the stages: ingest → index → search → answer."""
from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(kw_only=True)
class DocumentMetadata:
    """What a document says about itself, defined here once: every store's columns, the API's fields and ingest's
    extraction are derived from METADATA_FIELDS. Dates as "YYYY-MM-DD"; doc_type/doc_number/issuer only for legal
    documents ("Nghị định", "13/2023/NĐ-CP")."""

    published_date: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued_date: str | None = None

    @property
    def year(self) -> int | None:
        """The year a filter on dates uses: of issue for legal documents, of publication otherwise."""
        date = self.issued_date or self.published_date
        return int(date[:4]) if date and date[:4].isdigit() else None

    def metadata(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in METADATA_FIELDS}


METADATA_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(DocumentMetadata))


@dataclass
class Document(DocumentMetadata):
    """One source file after reading and cleaning."""

    doc_id: str
    source: str  # path as ingested, relative to the folder given to ingest
    title: str
    text: str  # cleaned, normalized body; the headline is its first paragraph
    url: str | None = None
    publisher: str | None = None
    content_hash: str = ""


@dataclass
class DocumentInfo(DocumentMetadata):
    """A document as a store lists it: its metadata and how many passages it has."""

    doc_id: str
    source: str
    title: str
    url: str | None
    publisher: str | None
    chunks: int


@dataclass
class NearDuplicate:
    """A document written by an ingest whose wording nearly repeats another indexed document."""

    source: str
    other: str
    similarity: float  # estimated Jaccard of their shingles


@dataclass
class Chunk:
    """A passage of a document: the unit that is embedded, searched and cited."""

    chunk_id: str
    doc_id: str
    position: int  # 0-based order within the document
    text: str
    section: str = ""  # heading path, empty for flat news articles
    start_char: int = 0  # offsets of the passage in Document.text
    end_char: int = 0


@dataclass
class Hit(DocumentMetadata):
    """A chunk returned by search, with its document's metadata and a score."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    url: str | None
    text: str
    score: float
    publisher: str | None = None
    section: str = ""
    position: int = 0
    # Cosine similarity of the query and this passage. `score` ranks the hits and is a cosine only for dense
    # search (BM25 score, fused score or reranker score otherwise); this one is comparable across modes, so
    # thresholds such as "is there an answer at all" use it. None when the search did not embed the query.
    dense_score: float | None = None
    row_id: int | None = None  # the chunk's row id in the index version it came from; internal


@dataclass
class Citation:
    """A hit the answer relies on; the answer text refers to it as [marker]."""

    hit: Hit
    marker: int
    quote: str  # the exact sentence quoted from hit.text
    quote_start: int  # character offsets of quote in hit.text
    quote_end: int
    # Every span of hit.text the answer quotes, in text order; the first is quote. A passage can be quoted for
    # two separate sentences (the one that names the year, the one with the figure).
    highlights: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ShortAnswer:
    """The least of a cited passage that answers the question ("99%", "thứ 12/63", "Nguyễn Phú Tiến")."""

    text: str
    marker: int  # the citation it is taken from
    start: int  # character offsets of text in that citation's hit.text
    end: int


@dataclass
class Answer:
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[Hit] = field(default_factory=list)  # closest documents when not found
    rewritten_question: str | None = None  # the standalone form of a follow-up question, when one was needed
    short_answer: ShortAnswer | None = None  # None when the question wants a sentence (why, how) or nothing fits


@dataclass
class ExampleQuestion:
    """A question written from a document's content that the corpus was checked to answer."""

    question: str
    doc_id: str
    title: str
    answer: str  # what the engine answered: its short answer, else its answer


@dataclass
class Delta:
    """A piece of the answer text, sent while the answer is being produced."""

    text: str


@dataclass
class Reset:
    """The pieces sent so far are withdrawn: a generated answer failed and the extractive one follows."""


StreamEvent = Delta | Reset | Answer  # a stream is Delta and Reset events, then one Answer, the whole of it
