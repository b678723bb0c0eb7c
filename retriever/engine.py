"""The question-answering engine: one object that holds the index, the embedder, search and answering.

The API builds one at start-up; the evaluation command builds one too, so both measure the same thing.
"""
from __future__ import annotations

from pathlib import Path

from retriever.answer import ExtractiveAnswerer
from retriever.embedders import Embedder, make_embedder
from retriever.index import DocumentInfo, IndexReader
from retriever.search import DenseSearcher
from retriever.settings import Settings
from retriever.types import Answer, Hit


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, index_dir: Path | None = None):
        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.reader = IndexReader(index_dir or settings.index_dir, self.embedder.name)
        self.searcher = DenseSearcher(self.reader, self.embedder)
        self.answerer = ExtractiveAnswerer(
            max_sentences=settings.max_answer_sentences, min_dense_score=settings.min_dense_score
        )

    def search(self, query: str, top_k: int) -> list[Hit]:
        return self.searcher.search(query, top_k)

    def ask(self, question: str, top_k: int) -> Answer:
        return self.answerer.answer(question, self.search(question, top_k))

    def documents(self) -> list[DocumentInfo]:
        return self.reader.documents()

    @property
    def document_count(self) -> int:
        return self.reader.document_count

    @property
    def chunk_count(self) -> int:
        return self.reader.chunk_count
