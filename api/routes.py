"""Thin HTTP handlers: validate, call the engine, shape the response. Sync handlers run in a thread pool,
so embedding and search never block the event loop; the answer stream is produced in the thread pool too."""
from __future__ import annotations

import dataclasses

import json
import logging
from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

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
from retriever.types import Answer, Delta, Reset, StreamEvent

router = APIRouter()
log = logging.getLogger(__name__)


def _engine(request: Request) -> Engine:
    return request.app.state.engine


@router.get("/health", response_model=HealthResponse)
def health(request: Request) -> HealthResponse:
    engine = _engine(request)
    return HealthResponse(status="ok", documents=engine.document_count, chunks=engine.chunk_count)


@router.post("/search", response_model=SearchResponse)
def search(body: SearchRequest, request: Request) -> SearchResponse:
    hits = _engine(request).search(body.query, body.top_k, body.mode, body.filters())
    return SearchResponse(hits=[HitOut.of(h) for h in hits])


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, request: Request) -> AskResponse:
    return _ask_response(_engine(request).ask(body.question, body.top_k, body.mode, history=_history(body), filters=body.filters()))


@router.post("/ask/stream", response_class=StreamingResponse)
async def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
    """Server-Sent Events: "delta" events ({"text": …}) as the answer is produced, "reset" when the text sent so
    far is withdrawn (a generated answer failed; the extractive one follows), then one "done" event whose data
    is the JSON /ask returns. An "error" event ({"detail": …}) ends a stream that failed."""
    events = _engine(request).ask_stream(body.question, body.top_k, body.mode, history=_history(body), filters=body.filters())
    return StreamingResponse(
        _sse(events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},  # proxies must not hold events back
    )


async def _sse(events: Iterator[StreamEvent]) -> AsyncIterator[str]:
    try:
        # Each step of the engine's generator (search, answer, model tokens) runs in the thread pool.
        async for event in iterate_in_threadpool(events):
            if isinstance(event, Delta):
                yield _event("delta", {"text": event.text})
            elif isinstance(event, Reset):
                yield _event("reset", {})
            else:
                yield _event("done", _ask_response(event).model_dump(mode="json"))
    except Exception:  # the status line is already sent: say so in the stream
        log.exception("answer stream failed")
        yield _event("error", {"detail": "Lỗi máy chủ khi tạo câu trả lời, vui lòng thử lại."})


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _history(body: AskRequest) -> list[tuple[str, str]]:
    return [(turn.role, turn.content) for turn in body.history]


def _ask_response(answer: Answer) -> AskResponse:
    return AskResponse(
        answer=answer.answer,
        found=answer.found,
        citations=[CitationOut.of_citation(c) for c in answer.citations],
        suggestions=[HitOut.of(h) for h in answer.suggestions],
        rewritten_question=answer.rewritten_question,
    )


@router.get("/documents", response_model=DocumentsResponse)
def documents(request: Request) -> DocumentsResponse:
    return DocumentsResponse(
        documents=[
            DocumentOut(**dataclasses.asdict(d), year=d.year) for d in _engine(request).documents()
        ]
    )
