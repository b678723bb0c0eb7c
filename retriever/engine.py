"""The question-answering engine: one object that holds the index, the embedder, search and answering.

The API builds one at start-up; the evaluation command builds one too, so both measure the same thing.
The engine follows the index: when ingest commits a new version, the next request after
`reload_interval_s` opens it and swaps it in; in either store (retriever/store.py), so with Milvus a commit of
an ingest job or of another API replica. A request works on one snapshot from start to end, so a swap
never mixes two versions and never fails a request in flight.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retriever.answer import ExtractiveAnswerer, answer_pieces
from retriever.embedders import Embedder, make_embedder
from retriever.followup import History, standalone
from retriever.index import DocumentInfo, IndexUnavailable
from retriever.llm import LLMAnswerer
from retriever.rerank import Reranker, make_reranker
from retriever.search import Mode, SearchService
from retriever.settings import Settings
from retriever.store import VectorStore, live_version, open_reader
from retriever.text import underthesea_tools
from retriever.types import Answer, Delta, Filters, Hit, StreamEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """Everything that depends on one committed index version."""

    reader: VectorStore
    searcher: SearchService


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, index_dir: Path | None = None):
        self.settings = settings
        self.index_dir = Path(index_dir or settings.index_dir)
        self.embedder = embedder or make_embedder(settings)
        self.reranker: Reranker | None = make_reranker(settings)
        self.answerer = ExtractiveAnswerer(
            max_sentences=settings.max_answer_sentences, min_dense_score=settings.min_dense_score
        )
        # Generated answers when a model is configured (ChatOpenAI is imported only then).
        self.llm = LLMAnswerer(settings) if settings.llm_base_url and settings.llm_model else None
        underthesea_tools()  # load the Vietnamese splitters now, not on the first (and concurrent) requests
        self._snapshot = self._load()
        self._reload_lock = threading.Lock()
        self._checked_at = time.monotonic()

    def _load(self) -> Snapshot:
        reader = open_reader(self.settings, self.embedder.name, self.index_dir)
        return Snapshot(reader=reader, searcher=SearchService(reader, self.embedder, self.settings, self.reranker))

    def snapshot(self) -> Snapshot:
        """The live snapshot, reloaded first if ingest committed a newer version."""
        now = time.monotonic()
        if now - self._checked_at < self.settings.reload_interval_s:
            return self._snapshot
        # One request reloads; the others keep serving the current snapshot meanwhile.
        if self._reload_lock.acquire(blocking=False):
            try:
                self._checked_at = now
                if live_version(self.settings, self.index_dir) not in (None, self._snapshot.reader.version):
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

    @property
    def document_count(self) -> int:
        return self.reader.document_count

    @property
    def chunk_count(self) -> int:
        return self.reader.chunk_count
