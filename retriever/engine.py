"""The question-answering engine: one object that holds the index, the embedder, search and answering.

The API builds one at start-up; the evaluation command builds one too, so both measure the same thing.
The engine follows the index: when ingest commits a new version, the next request after
`reload_interval_s` opens it and swaps it in; in either store (store/base.py), so with Milvus a commit of
an ingest job or of another API replica. A request works on one snapshot from start to end, so a swap
never mixes two versions and never fails a request in flight.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from retriever.answer.examples import examples
from retriever.answer.extractive import ExtractiveAnswerer, answer_pieces
from retriever.answer.followup import History, standalone
from retriever.answer.llm import LLMAnswerer
from retriever.embed.base import Embedder
from retriever.embed.factory import make_embedder
from retriever.embed.memo import MemoEmbedder
from retriever.errors import IndexUnavailable
from retriever.filters import Filters
from retriever.search.base import Mode
from retriever.search.rerank import Reranker, make_reranker
from retriever.search.service import SearchService
from retriever.settings import Settings
from retriever.store.base import Store, VectorStore
from retriever.store.factory import open_store
from retriever.text.normalize import normalize
from retriever.text.sentences import underthesea_tools
from retriever.types import Answer, Delta, DocumentInfo, ExampleQuestion, Hit, StreamEvent

log = logging.getLogger(__name__)
# Example questions tried per document before giving up on it: each try is one /ask.
EXAMPLE_TRIES = 6


@dataclass(frozen=True)
class Snapshot:
    """Everything that depends on one committed index version."""

    reader: VectorStore
    searcher: SearchService


def answerer_from(settings: Settings, embedder: Embedder | None) -> ExtractiveAnswerer:
    """The extractive answerer as settings configure it; sentences are embedded by `embedder` when
    settings.answer_semantic."""
    return ExtractiveAnswerer(
        max_sentences=settings.max_answer_sentences,
        min_dense_score=settings.min_dense_score,
        min_coverage=settings.min_coverage,
        min_sentence_score=settings.min_sentence_score,
        close_sentence_score=settings.close_sentence_score,
        close_coverage=settings.close_coverage,
        embedder=embedder if settings.answer_semantic else None,
        semantic_candidates=settings.semantic_candidates,
        semantic_weight=settings.semantic_weight,
    )


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: Store | None = None):
        """The objects of one process, built once; tests and evaluation may pass a ready embedder or store."""
        self.settings = settings
        self.store = store or open_store(settings)
        self.embedder = embedder or make_embedder(settings)
        # Search and answers share one memo: the question search embeds is the one the answerer compares
        # sentences with, and the sentences of passages that come back again are embedded once.
        self.query_embedder = MemoEmbedder(self.embedder)
        self.reranker: Reranker | None = make_reranker(settings)
        self.answerer = answerer_from(settings, self.query_embedder)
        # Generated answers when a model is configured (ChatOpenAI is imported only then).
        self.llm = LLMAnswerer(settings) if settings.llm_base_url and settings.llm_model else None
        underthesea_tools()  # load the Vietnamese splitters now, not on the first (and concurrent) requests
        self._snapshot = self._load()
        self._reload_lock = threading.Lock()
        self._checked_at = time.monotonic()
        # Checked example questions per (index version, document): asking them again would give the same. Only
        # the live version's are kept: an older version's documents may be gone.
        self._examples: dict[tuple[str, str], list[ExampleQuestion]] = {}
        self._examples_lock = threading.RLock()

    def _load(self) -> Snapshot:
        reader = self.store.open_reader(self.embedder.name)
        return Snapshot(reader=reader, searcher=SearchService(reader, self.query_embedder, self.settings, self.reranker))

    def snapshot(self) -> Snapshot:
        """The live snapshot, reloaded first if ingest committed a newer version."""
        now = time.monotonic()
        if now - self._checked_at < self.settings.reload_interval_s:
            return self._snapshot
        # One request reloads; the others keep serving the current snapshot meanwhile.
        if self._reload_lock.acquire(blocking=False):
            try:
                self._checked_at = now
                if self.store.live_version() not in (None, self._snapshot.reader.version):
                    self._snapshot = self._load()
                    log.info("serving index version %s", self._snapshot.reader.version)
            except IndexUnavailable as e:
                log.error("new index version not loaded, still serving %s: %s", self._snapshot.reader.version, e)
            finally:
                self._reload_lock.release()
        return self._snapshot

    def reload_now(self) -> None:
        """Pick up a version just committed by this process (uploads), without waiting for the interval."""
        self._checked_at = float("-inf")
        self.snapshot()

    @property
    def reader(self) -> VectorStore:
        return self.snapshot().reader

    def search(self, query: str, top_k: int, mode: Mode | None = None, filters: Filters | None = None) -> list[Hit]:
        """Hits best first; `mode` overrides the configured search_mode for this call."""
        return self.snapshot().searcher.search(query, top_k, mode, filters)

    def ask(
        self, question: str, top_k: int, mode: Mode | None = None, history: History = (), filters: Filters | None = None
    ) -> Answer:
        """The answer to a question, read as a follow-up of `history` when it is one."""
        rewritten, hits, extractive = self._prepare(question, top_k, mode, history, filters)
        answer = extractive
        if self.llm and extractive.found:
            answer = self.llm.answer(rewritten or question, hits, fallback=extractive)
        answer.rewritten_question = rewritten
        return answer

    def ask_stream(
        self, question: str, top_k: int, mode: Mode | None = None, history: History = (), filters: Filters | None = None
    ) -> Iterator[StreamEvent]:
        """ask() as events: pieces of the answer as they are produced, then the whole Answer."""
        rewritten, hits, extractive = self._prepare(question, top_k, mode, history, filters)
        if self.llm and extractive.found:
            events = self.llm.stream(rewritten or question, hits, fallback=extractive)
        else:
            events = iter([*(Delta(piece) for piece in answer_pieces(extractive)), extractive])
        for event in events:
            if isinstance(event, Answer):
                event.rewritten_question = rewritten
            yield event

    def _prepare(
        self, question: str, top_k: int, mode: Mode | None, history: History, filters: Filters | None = None
    ) -> tuple[str | None, list[Hit], Answer]:
        """The standalone question (None when the question stands alone), its hits and the extractive answer,
        which also decides whether the documents hold an answer at all."""
        rewritten = standalone(question, history)
        query = rewritten or question
        hits = self.search(query, top_k, mode, filters)
        return rewritten, hits, self.answerer.answer(query, hits)

    def documents(self) -> list[DocumentInfo]:
        return self.reader.documents()

    def example_questions(self, doc_id: str | None = None, limit: int = 4) -> list[ExampleQuestion]:
        """Questions written from the documents' sentences (retriever/answer/examples.py) that the engine answers
        now, citing that document, with the fact the sentence states in the answer and not merely its title: one
        per document across the corpus, or up to `limit` about one document."""
        snapshot = self.snapshot()
        documents = [d for d in snapshot.reader.documents() if doc_id is None or d.doc_id == doc_id]
        out: list[ExampleQuestion] = []
        for doc in documents:
            found = self._document_examples(snapshot, doc)
            out.extend(found[: limit if doc_id else 1])
            if len(out) >= limit:
                break
        return out[:limit]

    def _document_examples(self, snapshot: Snapshot, doc: DocumentInfo) -> list[ExampleQuestion]:
        key = (str(snapshot.reader.version), doc.doc_id)
        # One thread writes a document's examples; the others wait for them rather than ask the same again.
        with self._examples_lock:
            if key not in self._examples:
                self._examples = {k: v for k, v in self._examples.items() if k[0] == key[0]}
                self._examples[key] = self._checked_examples(doc, "\n".join(snapshot.reader.chunk_texts(doc.doc_id)))
            return self._examples[key]

    def _checked_examples(self, doc: DocumentInfo, text: str) -> list[ExampleQuestion]:
        """The document's example questions that the engine answers with its fact, citing it."""
        checked: list[ExampleQuestion] = []
        by_question = {e.question: e for e in sorted(examples(text, doc.title), key=lambda e: e.priority, reverse=True)}
        for example in sorted(by_question.values(), key=lambda e: e.priority)[:EXAMPLE_TRIES]:
            answer = self.ask(example.question, self.settings.default_top_k)
            cited = [c for c in answer.citations if c.hit.doc_id == doc.doc_id]
            says = normalize(example.fact).lower() in normalize(answer.answer).lower()
            only_title = all(normalize(c.quote).strip(" .") == normalize(doc.title).strip(" .") for c in cited)
            if answer.found and cited and says and not only_title:
                shown = answer.short_answer.text if answer.short_answer else answer.answer
                checked.append(ExampleQuestion(example.question, doc.doc_id, doc.title, shown))
        return checked

    @property
    def document_count(self) -> int:
        return self.reader.document_count

    @property
    def chunk_count(self) -> int:
        return self.reader.chunk_count
