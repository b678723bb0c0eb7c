"""Small synchronous client for the Q&A HTTP API (see CONTRACT.md).

The UI talks to the backend only through this module, over HTTP and JSON. Every failure
(server down, timeout, bad request, server error, malformed answer) becomes one `ApiError`
that carries a Vietnamese message fit to show on the page, so no traceback reaches the user.
"""
from __future__ import annotations

import json
import os
from collections.abc import Generator, Iterator
from typing import Any, Literal, NotRequired, TypedDict
from urllib.parse import quote

import httpx
from sse import iter_events

DEFAULT_API_URL = "http://127.0.0.1:8000"
# /ask may run retrieval and answer composition on a cold index: give it much longer than the rest.
ASK_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
FEEDBACK_CITATION_FIELDS = ("chunk_id", "marker", "title", "source", "quote")

ErrorKind = Literal["unavailable", "timeout", "busy", "bad_request", "server", "invalid_response"]


class Health(TypedDict):
    status: str
    documents: int
    chunks: int


class Document(TypedDict):
    doc_id: str
    source: str
    title: str
    url: str | None
    chunks: int
    # Optional metadata the backend may add; the sidebar offers a filter only for what is present.
    publisher: NotRequired[str | None]
    doc_type: NotRequired[str | None]
    year: NotRequired[int | None]
    published_date: NotRequired[str | None]
    issued_date: NotRequired[str | None]


class Hit(TypedDict):
    chunk_id: str
    doc_id: str
    source: str
    title: str
    url: str | None
    text: str
    score: float
    # Optional extras the backend may add.
    publisher: NotRequired[str | None]
    section: NotRequired[str]
    published_date: NotRequired[str | None]
    issued_date: NotRequired[str | None]


class Citation(Hit):
    marker: int
    quote: NotRequired[str]
    quote_start: NotRequired[int]  # character offsets of `quote` in `text`
    quote_end: NotRequired[int]


class ShortAnswer(TypedDict):
    text: str
    marker: int  # the citation it is taken from
    start: int  # offsets of `text` in that citation's `text`
    end: int


class Answer(TypedDict):
    answer: str
    found: bool
    citations: list[Citation]
    suggestions: NotRequired[list[Hit]]  # closest documents when nothing was found
    short_answer: NotRequired[ShortAnswer | None]  # the answer in a few words; null for why/how questions


class ExampleQuestion(TypedDict):
    question: str  # a question the corpus answers, written from a sentence of the document
    doc_id: str
    title: str
    answer: str


class Filters(TypedDict, total=False):
    """Optional restrictions of /search and /ask; a key is sent only when it is set."""

    doc_type: str
    publisher: str
    year_from: int
    year_to: int


class Message(TypedDict):
    role: Literal["user", "assistant"]
    content: str


class ApiError(Exception):
    """Any failure talking to the API; `message` is Vietnamese and safe to show as is."""

    def __init__(self, kind: ErrorKind, message: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


def api_url_from_env() -> str:
    return (os.environ.get("POLICYQA_API_URL") or DEFAULT_API_URL).rstrip("/")


def _detail_text(response: httpx.Response) -> str:
    """The API's JSON `detail` as one readable line (FastAPI gives a string or a list of errors)."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        parts = [str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail]
        return "; ".join(parts)
    return "" if detail is None else str(detail)


class AnswerStream:
    """An answer arriving piece by piece: iterate for the text pieces; `result` is the whole answer afterwards.

    Iterating raises ApiError when the stream fails half-way; `result` stays None then.
    """

    def __init__(self, events: Generator[str, None, Answer]):
        self._events = events
        self.result: Answer | None = None

    @classmethod
    def complete(cls, answer: Answer) -> "AnswerStream":
        """An answer that came whole (POST /ask), presented as a stream of one piece."""

        def whole() -> Generator[str, None, Answer]:
            yield answer["answer"]
            return answer

        return cls(whole())

    def __iter__(self) -> Iterator[str]:
        self.result = yield from self._events


class ApiClient:
    def __init__(self, base_url: str | None = None, transport: httpx.BaseTransport | None = None):
        """`transport` is for tests (httpx.MockTransport); the app always talks real HTTP."""
        self.base_url = (base_url or api_url_from_env()).rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=DEFAULT_TIMEOUT, transport=transport)
        # Whether the API offers POST /ask/stream: unknown (None) until the first question finds out.
        self.streaming: bool | None = None

    def close(self) -> None:
        self._http.close()

    # --- endpoints -------------------------------------------------------------------------

    def health(self) -> Health:
        data = self._request("GET", "/health")
        return _require(data, {"documents": int, "chunks": int})  # type: ignore[return-value]

    def documents(self) -> list[Document]:
        data = _require(self._request("GET", "/documents"), {"documents": list})
        return data["documents"]

    def starter_questions(self, limit: int = 4) -> list[ExampleQuestion]:
        """Questions to start with (GET /questions), each checked by the API to be answered; [] from an API
        without the endpoint."""
        return self._questions("/questions", limit)

    def document_questions(self, doc_id: str, limit: int = 1) -> list[ExampleQuestion]:
        """Questions the API checked that one document answers (GET /documents/{doc_id}/questions)."""
        return self._questions(f"/documents/{quote(doc_id, safe='')}/questions", limit)

    def _questions(self, path: str, limit: int) -> list[ExampleQuestion]:
        try:
            data = self._request("GET", path, params={"limit": limit}, timeout=ASK_TIMEOUT)
        except ApiError as exc:
            if exc.status == 404:
                return []  # an older API, or a document deleted meanwhile: nothing to offer
            raise
        questions = _require(data, {"questions": list})["questions"]
        return [q for q in questions if isinstance(q, dict) and isinstance(q.get("question"), str)]

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        data = _require(self._request("POST", "/search", json={"query": query, "top_k": top_k}), {"hits": list})
        return data["hits"]

    def ask(
        self, question: str, top_k: int = 5, history: list[Message] | None = None, filters: Filters | None = None
    ) -> Answer:
        data = self._request("POST", "/ask", json=_ask_body(question, top_k, history, filters), timeout=ASK_TIMEOUT)
        return _answer(data)

    def ask_stream(
        self, question: str, top_k: int = 5, history: list[Message] | None = None, filters: Filters | None = None
    ) -> AnswerStream:
        """The answer from POST /ask/stream (Server-Sent Events) when the API has it, else from POST /ask.

        The first call probes /ask/stream; a 404 or 405 means an API without streaming, remembered for
        the life of this client, so later questions go straight to /ask. The request is sent before this
        returns, so a connection error is raised here, not while iterating.
        """
        body = _ask_body(question, top_k, history, filters)
        if self.streaming is not False:
            request = self._http.build_request("POST", "/ask/stream", json=body, timeout=ASK_TIMEOUT)
            response = self._send(request, stream=True)
            if response.status_code in (404, 405):
                response.close()
                self.streaming = False
            else:
                self.streaming = True
                if response.is_error:
                    response.read()  # the error detail is in the body
                    response.close()
                    _raise_for_status(response)
                return AnswerStream(_answer_events(response))
        return AnswerStream.complete(self.ask(question, top_k, history, filters))

    def feedback(
        self,
        question: str,
        answer: str,
        citations: list[Citation],
        rating: Literal["up", "down"],
        comment: str | None = None,
    ) -> int:
        """Store a reader's rating of one answer; returns the id of the stored entry."""
        # What staff need to review the answer; the passages themselves stay in the index.
        refs = [{k: v for k, v in c.items() if k in FEEDBACK_CITATION_FIELDS and v is not None} for c in citations]
        body: dict[str, Any] = {"question": question, "answer": answer, "citations": refs, "rating": rating}
        if comment:
            body["comment"] = comment
        return _require(self._request("POST", "/feedback", json=body), {"id": int})["id"]

    # --- plumbing --------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(self._http.build_request(method, path, **kwargs))
        _raise_for_status(response)
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError("invalid_response", "Máy chủ hỏi đáp trả về dữ liệu không đọc được.") from exc

    def _send(self, request: httpx.Request, stream: bool = False) -> httpx.Response:
        try:
            return self._http.send(request, stream=stream)
        except httpx.TimeoutException as exc:
            raise _timeout_error() from exc
        except httpx.HTTPError as exc:  # connection refused, DNS, protocol errors...
            raise ApiError(
                "unavailable",
                f"Không kết nối được máy chủ hỏi đáp tại {self.base_url}. "
                "Hãy kiểm tra máy chủ đã được khởi động chưa.",
            ) from exc


def _ask_body(question: str, top_k: int, history: list[Message] | None, filters: Filters | None) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question, "top_k": top_k, "history": list(history or [])}
    # Unset filters are left out, so an API without filter fields still accepts the request.
    body.update({k: v for k, v in (filters or {}).items() if v not in (None, "")})
    return body


def _timeout_error() -> ApiError:
    return ApiError("timeout", "Máy chủ hỏi đáp phản hồi quá lâu. Vui lòng thử lại sau ít phút.")


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code in (429, 503):  # the API's rate limit or its full queue: a pause fixes it
        raise ApiError(
            "busy", "Máy chủ hỏi đáp đang bận. Vui lòng chờ một chút rồi thử lại.", response.status_code
        )
    if 400 <= response.status_code < 500:
        detail = _detail_text(response)
        message = "Yêu cầu không hợp lệ" + (f": {detail}" if detail else ".")
        raise ApiError("bad_request", message, response.status_code)
    if response.status_code >= 500:
        raise ApiError(
            "server",
            f"Máy chủ hỏi đáp gặp lỗi (mã {response.status_code}). Vui lòng thử lại sau.",
            response.status_code,
        )


def _answer_events(response: httpx.Response) -> Generator[str, None, Answer]:
    """The pieces of a streamed answer: `delta` events carry text, `done` the whole /ask answer."""
    try:
        for event in iter_events(response.iter_lines()):
            if event.name == "delta":
                yield _delta_text(event.data)
            elif event.name == "done":
                try:
                    return _answer(json.loads(event.data))
                except ValueError as exc:
                    raise ApiError("invalid_response", "Máy chủ hỏi đáp trả về dữ liệu không đọc được.") from exc
            elif event.name == "error":
                raise ApiError("server", "Máy chủ hỏi đáp gặp lỗi khi đang trả lời. Vui lòng thử lại sau.")
    except httpx.TimeoutException as exc:
        raise _timeout_error() from exc
    except httpx.HTTPError as exc:
        raise ApiError("unavailable", "Mất kết nối với máy chủ hỏi đáp khi đang trả lời. Vui lòng thử lại.") from exc
    finally:
        response.close()
    raise ApiError("invalid_response", "Máy chủ hỏi đáp ngắt kết nối trước khi trả lời xong. Vui lòng thử lại.")


def _delta_text(data: str) -> str:
    """A delta's text: JSON-encoded (a string, or an object with `text`) so pieces can hold newlines; else raw."""
    try:
        value = json.loads(data)
    except ValueError:
        return data
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return value["text"]
    return data


def _answer(data: Any) -> Answer:
    return _require(data, {"answer": str, "found": bool, "citations": list})  # type: ignore[return-value]


def _require(data: Any, fields: dict[str, type]) -> dict[str, Any]:
    """Check the top-level shape, so a malformed answer fails here and not deep inside the page."""
    ok = isinstance(data, dict) and all(isinstance(data.get(k), t) for k, t in fields.items())
    if not ok:
        raise ApiError("invalid_response", "Máy chủ hỏi đáp trả về dữ liệu không đúng định dạng.")
    return data
