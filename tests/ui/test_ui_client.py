"""The API client: shapes against the real API, and every failure mapped to one ApiError with a Vietnamese message."""
from __future__ import annotations

import json
import socket

import httpx
import pytest
from client import DEFAULT_API_URL, ApiClient, ApiError, api_url_from_env


def fake(status: int = 200, body: bytes | str = b"{}", exc: Exception | None = None) -> ApiClient:
    """A client whose HTTP answers come from a handler in memory instead of a server."""

    def handler(request: httpx.Request) -> httpx.Response:
        if exc is not None:
            raise exc
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    return ApiClient("http://api.test", transport=httpx.MockTransport(handler))


def test_real_api_endpoints(api_url):
    client = ApiClient(api_url)
    health = client.health()
    assert health["documents"] == len(client.documents()) > 0
    hits = client.search("xếp hạng chuyển đổi số Thanh Hóa", top_k=3)
    assert 1 <= len(hits) <= 3 and {"chunk_id", "title", "text", "score"} <= hits[0].keys()
    answer = client.ask("Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?", top_k=3, history=[])
    assert answer["found"] and answer["citations"][0]["marker"] == 1


def test_real_api_bad_request_carries_detail(api_url):
    with pytest.raises(ApiError) as err:
        ApiClient(api_url).ask("Câu hỏi", top_k=0)
    assert err.value.kind == "bad_request" and 400 <= err.value.status < 500
    assert err.value.message.startswith("Yêu cầu không hợp lệ: ")


def test_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ApiError) as err:
        ApiClient(f"http://127.0.0.1:{port}").health()
    assert err.value.kind == "unavailable"
    assert err.value.message.startswith("Không kết nối được máy chủ hỏi đáp")


@pytest.mark.parametrize(
    ("client", "kind", "text"),
    [
        (fake(exc=httpx.ReadTimeout("slow")), "timeout", "quá lâu"),
        (fake(422, '{"detail": [{"msg": "Value error, must not be empty"}]}'), "bad_request", "must not be empty"),
        (fake(404, '{"detail": "Not Found"}'), "bad_request", "Not Found"),
        (fake(500, "Internal Server Error"), "server", "mã 500"),
        (fake(200, "<html>"), "invalid_response", "không đọc được"),
        (fake(200, '{"answer": "x"}'), "invalid_response", "không đúng định dạng"),
    ],
)
def test_failures_become_api_errors(client, kind, text):
    with pytest.raises(ApiError) as err:
        client.ask("Câu hỏi?")
    assert err.value.kind == kind and text in err.value.message


def test_base_url_from_env(monkeypatch):
    monkeypatch.delenv("POLICYQA_API_URL", raising=False)
    assert api_url_from_env() == DEFAULT_API_URL == "http://127.0.0.1:8000"
    monkeypatch.setenv("POLICYQA_API_URL", "http://example.test:9000/")
    assert ApiClient().base_url == "http://example.test:9000"


# --- streamed answers (POST /ask/stream, Server-Sent Events) ------------------------------------

ANSWER = {
    "answer": "Thanh Hóa xếp thứ 15 [1].",
    "found": True,
    "citations": [{"chunk_id": "c1", "marker": 1, "title": "T", "text": "x", "score": 1.0}],
    "suggestions": [],
}


def sse(*events: tuple[str, str]) -> bytes:
    return "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events).encode()


class FakeApi:
    """An in-memory API: `routes` maps "METHOD /path" to (status, body, content type); unknown paths get 404."""

    def __init__(self, routes: dict[str, tuple[int, bytes | str, str]]):
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        not_found = (404, '{"detail": "Not Found"}', "application/json")
        status, body, ctype = self.routes.get(f"{request.method} {request.url.path}", not_found)
        return httpx.Response(status, content=body, headers={"content-type": ctype})

    def client(self) -> ApiClient:
        return ApiClient("http://api.test", transport=httpx.MockTransport(self))

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def stream_route(body: bytes) -> dict:
    return {"POST /ask/stream": (200, body, "text/event-stream")}


def test_streamed_answer_arrives_in_pieces_then_whole():
    api = FakeApi(stream_route(sse(
        ("delta", json.dumps("Thanh Hóa xếp ")),
        ("delta", json.dumps("thứ 15\n[1].")),  # JSON-encoded pieces may carry newlines
        ("done", json.dumps(ANSWER)),
    )))
    stream = api.client().ask_stream("Câu hỏi?", top_k=3, history=[{"role": "user", "content": "Trước"}])

    assert list(stream) == ["Thanh Hóa xếp ", "thứ 15\n[1]."]
    assert stream.result == ANSWER
    body = json.loads(api.requests[0].content)
    assert body == {"question": "Câu hỏi?", "top_k": 3, "history": [{"role": "user", "content": "Trước"}]}


def test_stream_tolerates_comments_crlf_and_raw_text_pieces():
    raw = (": keep-alive\r\n\r\nevent: delta\r\ndata: raw text\r\n\r\n"
           f"event: done\r\ndata: {json.dumps(ANSWER)}\r\n\r\n").encode()
    stream = FakeApi(stream_route(raw)).client().ask_stream("Câu hỏi?")
    assert list(stream) == ["raw text"] and stream.result == ANSWER


def test_api_without_streaming_falls_back_to_ask_and_probes_once():
    api = FakeApi({"POST /ask": (200, json.dumps(ANSWER), "application/json")})
    client = api.client()

    first = client.ask_stream("Câu hỏi?")
    assert list(first) == [ANSWER["answer"]] and first.result == ANSWER
    second = client.ask_stream("Câu khác?")
    assert list(second) == [ANSWER["answer"]]

    assert api.paths() == ["/ask/stream", "/ask", "/ask"]
    assert client.streaming is False


@pytest.mark.parametrize(
    ("body", "kind", "text"),
    [
        (sse(("delta", '"Một phần"'), ("error", '{"detail": "boom"}')), "server", "đang trả lời"),
        (sse(("delta", '"Một phần"')), "invalid_response", "trước khi trả lời xong"),  # cut off before `done`
        (sse(("done", "{not json")), "invalid_response", "không đọc được"),
        (sse(("done", '{"answer": "x"}')), "invalid_response", "không đúng định dạng"),
    ],
)
def test_broken_streams_become_api_errors(body, kind, text):
    stream = FakeApi(stream_route(body)).client().ask_stream("Câu hỏi?")
    with pytest.raises(ApiError) as err:
        list(stream)
    assert err.value.kind == kind and text in err.value.message
    assert stream.result is None


def test_stream_refused_with_detail():
    api = FakeApi({"POST /ask/stream": (422, '{"detail": "question must not be empty"}', "application/json")})
    with pytest.raises(ApiError) as err:
        api.client().ask_stream(" ")
    assert err.value.kind == "bad_request" and "must not be empty" in err.value.message


def test_busy_api_asks_to_wait():
    with pytest.raises(ApiError) as err:
        fake(429, '{"detail": "Too many requests"}').ask("Câu hỏi?")
    assert err.value.kind == "busy" and "chờ một chút" in err.value.message


def test_filters_are_sent_only_when_set():
    api = FakeApi({"POST /ask": (200, json.dumps(ANSWER), "application/json")})
    client = api.client()
    client.ask("Câu hỏi?", filters={"publisher": "Quốc hội", "year_from": 2020, "doc_type": ""})
    body = json.loads(api.requests[-1].content)
    assert body["publisher"] == "Quốc hội" and body["year_from"] == 2020
    assert "doc_type" not in body and "year_to" not in body


def test_feedback_sends_citation_references():
    api = FakeApi({"POST /feedback": (201, '{"id": 7}', "application/json")})
    citation = {**ANSWER["citations"][0], "source": "a.txt", "quote": "x", "url": None}

    assert api.client().feedback("Câu hỏi?", "Trả lời [1].", [citation], "down", "Sai năm") == 7
    body = json.loads(api.requests[-1].content)
    assert body == {
        "question": "Câu hỏi?",
        "answer": "Trả lời [1].",
        "citations": [{"chunk_id": "c1", "marker": 1, "title": "T", "source": "a.txt", "quote": "x"}],
        "rating": "down",
        "comment": "Sai năm",
    }
