"""The API client: shapes against the real API, and every failure mapped to one ApiError with a Vietnamese message."""
from __future__ import annotations

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
