"""Request and response models: the HTTP contract of ../shared/CONTRACT.md, plus optional extensions.

The limits a deployment sets (POLICYQA_MAX_QUESTION_CHARS, POLICYQA_DEFAULT_TOP_K) shape the request models,
so the OpenAPI page states them: request_models(settings) builds them for one app. Document metadata fields
come from retriever.types.METADATA_FIELDS.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from retriever.filters import Filters
from retriever.settings import Settings
from retriever.types import METADATA_FIELDS, Citation, Hit, ShortAnswer

MAX_TOP_K = 50
MAX_TEXT = 2000  # the longest question, query or comment unless a deployment sets max_question_chars
# Optional per-request search mode; absent or null means the server's configured search_mode.
SearchMode = Literal["dense", "bm25", "hybrid"] | None


# C0 control characters other than tab and line breaks, and lone surrogates: no question or document holds
# them, and they break what handles text downstream (SQLite, JSON encoding, the tokenizers).
_INVALID_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _valid_text(value: Any) -> Any:
    """Every string of a request value, in lists too, is checked for characters no text of ours can hold."""
    if isinstance(value, str):
        bad = _INVALID_CHARACTERS.search(value)
        if bad:
            raise ValueError(f"contains an invalid character U+{ord(bad.group()):04X} at position {bad.start()}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            _valid_text(item)
    return value


class _Request(BaseModel):
    # A misspelt field ("topk") is an error the client should hear about, not something silently ignored.
    model_config = ConfigDict(extra="forbid")

    _check_characters = field_validator("*", mode="before")(_valid_text)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value.strip()


class _Filtered(_Request):
    """Optional restrictions to some documents, sent at the top level of /search and /ask bodies."""

    doc_type: str | None = Field(default=None, max_length=100, description='e.g. "Nghị định", "Quyết định"')
    year_from: int | None = Field(default=None, ge=1900, le=2100)
    year_to: int | None = Field(default=None, ge=1900, le=2100)
    publisher: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=1000, description='a source, or a folder prefix ending "/"')

    @model_validator(mode="after")
    def _years_in_order(self):
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError("year_from must not be after year_to")
        return self

    def filters(self) -> Filters:
        return Filters(self.doc_type, self.year_from, self.year_to, self.publisher, self.source)


class SearchRequest(_Filtered):
    query: str = Field(min_length=1, max_length=MAX_TEXT)
    top_k: int = Field(default=5, ge=1, le=MAX_TOP_K)
    mode: SearchMode = None

    _check_query = field_validator("query")(_not_blank)


class Turn(_Request):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(_Filtered):
    question: str = Field(min_length=1, max_length=MAX_TEXT)
    top_k: int = Field(default=5, ge=1, le=MAX_TOP_K)
    mode: SearchMode = None
    history: list[Turn] = Field(default_factory=list, max_length=50)

    _check_question = field_validator("question")(_not_blank)


# The document metadata every hit and document carries, one optional field each (dates as YYYY-MM-DD).
_METADATA_OUT = {name: (str | None, None) for name in METADATA_FIELDS}


class _HitFields(BaseModel):
    chunk_id: str
    doc_id: str
    source: str
    title: str
    url: str | None
    text: str
    score: float
    publisher: str | None = None
    section: str = ""


class HitOut(create_model("_HitWithMetadata", __base__=_HitFields, **_METADATA_OUT)):
    @classmethod
    def of(cls, hit: Hit) -> HitOut:
        fields = {name: getattr(hit, name) for name in HitOut.model_fields}
        return cls(**{**fields, "score": round(hit.score, 4)})


class CitationOut(HitOut):
    marker: int
    quote: str = Field(description="the sentence(s) of `text` the answer quotes")
    quote_start: int = Field(description="offset of `quote` in `text`")
    quote_end: int
    highlights: list[tuple[int, int]] = Field(
        default_factory=list, description="every [start, end] span of `text` the answer quotes; the first is `quote`"
    )

    @classmethod
    def of_citation(cls, c: Citation) -> CitationOut:
        return cls(
            **HitOut.of(c.hit).model_dump(),
            marker=c.marker,
            quote=c.quote,
            quote_start=c.quote_start,
            quote_end=c.quote_end,
            highlights=c.highlights or [(c.quote_start, c.quote_end)],
        )


class SearchResponse(BaseModel):
    hits: list[HitOut]


class ShortAnswerOut(BaseModel):
    text: str = Field(description="the least span of the cited passage that answers: a figure, a date, a name")
    marker: int = Field(description="the citation it is taken from")
    start: int = Field(description="offset of `text` in that citation's `text`")
    end: int

    @classmethod
    def of(cls, short: ShortAnswer | None) -> ShortAnswerOut | None:
        return None if short is None else cls(text=short.text, marker=short.marker, start=short.start, end=short.end)


class AskResponse(BaseModel):
    answer: str
    found: bool
    short_answer: ShortAnswerOut | None = Field(
        default=None, description="the answer in a few words, from a citation; null when the question wants a "
        "sentence (why, how) or no span fits"
    )
    citations: list[CitationOut]
    suggestions: list[HitOut] = Field(
        default_factory=list, description="closest documents when nothing was found; not citations"
    )
    rewritten_question: str | None = Field(
        default=None, description="the follow-up question made standalone from `history`; null when not needed"
    )


class HealthResponse(BaseModel):
    status: Literal["ok"]
    documents: int
    chunks: int


class _DocumentFields(BaseModel):
    doc_id: str
    source: str
    title: str
    url: str | None
    publisher: str | None = None
    chunks: int


class DocumentOut(create_model("_DocumentWithMetadata", __base__=_DocumentFields, **_METADATA_OUT)):
    year: int | None = None


class DocumentsResponse(BaseModel):
    documents: list[DocumentOut]


class ExampleQuestionOut(BaseModel):
    question: str = Field(description="a question the corpus answers, written from a sentence of the document")
    doc_id: str
    title: str
    answer: str = Field(description="what /ask answers to it now (its short answer, else its answer)")


class ExampleQuestionsResponse(BaseModel):
    questions: list[ExampleQuestionOut]


class FeedbackCitation(BaseModel):
    """What identifies a cited passage; a whole Citation object is accepted too, its other fields dropped."""

    model_config = ConfigDict(extra="ignore")
    _check_characters = field_validator("*", mode="before")(_valid_text)

    chunk_id: str = Field(min_length=1, max_length=200)
    marker: int | None = Field(default=None, ge=0, le=1000)
    title: str | None = Field(default=None, max_length=1000)
    source: str | None = Field(default=None, max_length=1000)
    quote: str | None = Field(default=None, max_length=5000)


class FeedbackRequest(_Request):
    question: str = Field(min_length=1, max_length=MAX_TEXT)
    answer: str = Field(min_length=1, max_length=20_000)
    # Chunk ids, or the citation objects of the answer as /ask returned them.
    citations: list[Annotated[str, Field(min_length=1, max_length=200)] | FeedbackCitation] = Field(
        default_factory=list, max_length=MAX_TOP_K
    )
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)

    _check_question = field_validator("question", "answer")(_not_blank)

    def citation_refs(self) -> list[dict]:
        """Every citation as an object, so the stored JSON has one shape."""
        return [
            {"chunk_id": c} if isinstance(c, str) else c.model_dump(exclude_none=True) for c in self.citations
        ]


class FeedbackResponse(BaseModel):
    id: int


@dataclass(frozen=True)
class RequestModels:
    """The request bodies of one app, with its deployment's limits."""

    search: type[SearchRequest]
    ask: type[AskRequest]
    feedback: type[FeedbackRequest]


def request_models(settings: Settings) -> RequestModels:
    """The request models with settings.max_question_chars and settings.default_top_k in their fields (so the
    OpenAPI page and the validation say the same); the validators of the classes above still apply."""
    text = (str, Field(min_length=1, max_length=settings.max_question_chars))
    top_k = (int, Field(default=settings.default_top_k, ge=1, le=MAX_TOP_K))
    return RequestModels(
        search=create_model("SearchRequest", __base__=SearchRequest, query=text, top_k=top_k),
        ask=create_model("AskRequest", __base__=AskRequest, question=text, top_k=top_k),
        feedback=create_model("FeedbackRequest", __base__=FeedbackRequest, question=text),
    )
