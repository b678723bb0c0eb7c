"""Thin HTTP handlers: validate, call the engine, shape the response. Sync handlers run in a thread pool,
so embedding and search never block the event loop."""
from __future__ import annotations

from fastapi import APIRouter, Request

from api.schemas import (
    AskRequest,
    AskResponse,
    CitationOut,
    DocumentOut,
    DocumentsResponse,
    HealthResponse,
    HitOut,
    SearchRequest,
    SearchResponse,
)
from retriever.engine import Engine

router = APIRouter()


def _engine(request: Request) -> Engine:
    return request.app.state.engine


@router.get("/health", response_model=HealthResponse)
def health(request: Request) -> HealthResponse:
    engine = _engine(request)
    return HealthResponse(status="ok", documents=engine.document_count, chunks=engine.chunk_count)


@router.post("/search", response_model=SearchResponse)
def search(body: SearchRequest, request: Request) -> SearchResponse:
    hits = _engine(request).search(body.query, body.top_k, body.mode)
    return SearchResponse(hits=[HitOut.of(h) for h in hits])


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, request: Request) -> AskResponse:
    answer = _engine(request).ask(body.question, body.top_k, body.mode)
    return AskResponse(
        answer=answer.answer,
        found=answer.found,
        citations=[CitationOut.of_citation(c) for c in answer.citations],
        suggestions=[HitOut.of(h) for h in answer.suggestions],
    )


@router.get("/documents", response_model=DocumentsResponse)
def documents(request: Request) -> DocumentsResponse:
    return DocumentsResponse(
        documents=[
            DocumentOut(doc_id=d.doc_id, source=d.source, title=d.title, url=d.url, publisher=d.publisher, chunks=d.chunks)
            for d in _engine(request).documents()
        ]
    )
