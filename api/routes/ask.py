"""POST /ask and /ask/stream: a cited answer to a question, whole or as Server-Sent Events. The handlers only
shape requests and responses; the engine answers. The answer stream is produced in the thread pool."""
import json
import logging
from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from api.deps import EngineDep
from api.schemas import AskRequest, AskResponse, CitationOut, HitOut, RequestModels, ShortAnswerOut
from retriever.types import Answer, Delta, Reset, StreamEvent

log = logging.getLogger(__name__)


def router(models: RequestModels) -> APIRouter:
    """Built per app: the request model carries the deployment's limits (schemas.request_models)."""
    routes = APIRouter(tags=["ask"])

    @routes.post("/ask", response_model=AskResponse)
    def ask(body: models.ask, engine: EngineDep) -> AskResponse:
        answer = engine.ask(body.question, body.top_k, body.mode, history=_history(body), filters=body.filters())
        return _ask_response(answer)

    @routes.post("/ask/stream", response_class=StreamingResponse)
    async def ask_stream(body: models.ask, engine: EngineDep) -> StreamingResponse:
        """Server-Sent Events: "delta" events ({"text": …}) as the answer is produced, "reset" when the text sent
        so far is withdrawn (a generated answer failed; the extractive one follows), then one "done" event whose
        data is the JSON /ask returns. An "error" event ({"detail": …}) ends a stream that failed."""
        events = engine.ask_stream(body.question, body.top_k, body.mode, history=_history(body),
                                   filters=body.filters())
        return StreamingResponse(
            _sse(events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},  # proxies must not hold events back
        )

    return routes


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
        short_answer=ShortAnswerOut.of(answer.short_answer),
        citations=[CitationOut.of_citation(c) for c in answer.citations],
        suggestions=[HitOut.of(h) for h in answer.suggestions],
        rewritten_question=answer.rewritten_question,
    )


