"""Small synchronous client for the Q&A HTTP API (see CONTRACT.md).

The UI talks to the backend only through this module, over HTTP and JSON. Every failure
(server down, timeout, bad request, server error, malformed answer) becomes one `ApiError`
that carries a Vietnamese message fit to show on the page, so no traceback reaches the user.
"""
from __future__ import annotations

import os
from typing import Any, Literal, NotRequired, TypedDict

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"
# /ask may run retrieval and answer composition on a cold index: give it much longer than the rest.
ASK_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)

ErrorKind = Literal["unavailable", "timeout", "bad_request", "server", "invalid_response"]


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


class Citation(Hit):
    marker: int
    quote: NotRequired[str]
    quote_start: NotRequired[int]  # character offsets of `quote` in `text`
    quote_end: NotRequired[int]


class Answer(TypedDict):
    answer: str
    found: bool
    citations: list[Citation]


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


class ApiClient:
    def __init__(self, base_url: str | None = None, transport: httpx.BaseTransport | None = None):
        """`transport` is for tests (httpx.MockTransport); the app always talks real HTTP."""
        self.base_url = (base_url or api_url_from_env()).rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=DEFAULT_TIMEOUT, transport=transport)

    def close(self) -> None:
        self._http.close()

    # --- endpoints -------------------------------------------------------------------------

    def health(self) -> Health:
        data = self._request("GET", "/health")
        return _require(data, {"documents": int, "chunks": int})  # type: ignore[return-value]

    def documents(self) -> list[Document]:
        data = _require(self._request("GET", "/documents"), {"documents": list})
        return data["documents"]

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        data = _require(self._request("POST", "/search", json={"query": query, "top_k": top_k}), {"hits": list})
        return data["hits"]

    def ask(self, question: str, top_k: int = 5, history: list[Message] | None = None) -> Answer:
        body = {"question": question, "top_k": top_k, "history": list(history or [])}
        data = self._request("POST", "/ask", json=body, timeout=ASK_TIMEOUT)
        return _require(data, {"answer": str, "found": bool, "citations": list})  # type: ignore[return-value]

    # --- plumbing --------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise ApiError("timeout", "Máy chủ hỏi đáp phản hồi quá lâu. Vui lòng thử lại sau ít phút.") from exc
        except httpx.HTTPError as exc:  # connection refused, DNS, protocol errors...
            raise ApiError(
                "unavailable",
                f"Không kết nối được máy chủ hỏi đáp tại {self.base_url}. "
                "Hãy kiểm tra máy chủ đã được khởi động chưa.",
            ) from exc

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
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError("invalid_response", "Máy chủ hỏi đáp trả về dữ liệu không đọc được.") from exc


def _require(data: Any, fields: dict[str, type]) -> dict[str, Any]:
    """Check the top-level shape, so a malformed answer fails here and not deep inside the page."""
    ok = isinstance(data, dict) and all(isinstance(data.get(k), t) for k, t in fields.items())
    if not ok:
        raise ApiError("invalid_response", "Máy chủ hỏi đáp trả về dữ liệu không đúng định dạng.")
    return data
