"""Body limit, rate limit, bounded concurrency, read key and CORS, against the real server."""
import asyncio

import httpx
import pytest

from api.middleware import ConcurrencyLimit
from tests.helpers import start_api, stop

READ_KEY = "read-key-for-tests"


@pytest.fixture(scope="module")
def guarded_api(sample_index):
    proc, url = start_api(
        sample_index,
        env={
            "POLICYQA_RATE_LIMIT_PER_MINUTE": "6",
            "POLICYQA_RATE_LIMIT_BURST": "3",
            "POLICYQA_READ_KEY": READ_KEY,
            "POLICYQA_CORS_ORIGINS": '["https://dichvucong.example.vn"]',
            "POLICYQA_MAX_BODY_BYTES": "4096",
        },
    )
    yield url
    stop(proc)


def test_oversized_body_is_413_before_parsing(guarded_api):
    r = httpx.post(f"{guarded_api}/search", content=b"x" * 5000, headers={"X-API-Key": READ_KEY})
    assert r.status_code == 413 and r.json()["detail"]


def test_read_key_guards_reads_but_not_health(guarded_api):
    assert httpx.get(f"{guarded_api}/health").status_code == 200
    assert httpx.get(f"{guarded_api}/documents").status_code == 401
    assert httpx.get(f"{guarded_api}/documents", headers={"X-API-Key": "wrong"}).status_code == 401
    assert httpx.get(f"{guarded_api}/documents", headers={"X-API-Key": READ_KEY}).status_code == 200


def test_cors_allows_only_configured_origins(guarded_api, api_url):
    allowed = httpx.get(f"{guarded_api}/health", headers={"Origin": "https://dichvucong.example.vn"})
    assert allowed.headers.get("access-control-allow-origin") == "https://dichvucong.example.vn"
    other = httpx.get(f"{guarded_api}/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    closed = httpx.get(f"{api_url}/health", headers={"Origin": "https://dichvucong.example.vn"})
    assert "access-control-allow-origin" not in closed.headers  # closed by default


def test_rate_limit_triggers_at_the_configured_rate(guarded_api):
    codes = [
        httpx.post(f"{guarded_api}/search", json={"query": "chuyển đổi số", "top_k": 1}, headers={"X-API-Key": READ_KEY},
                   timeout=60)
        for _ in range(5)
    ]
    assert [c.status_code for c in codes[:3]] == [200, 200, 200]
    assert codes[3].status_code == 429 and int(codes[3].headers["retry-after"]) >= 1
    assert codes[3].json()["detail"]


def test_full_queue_answers_503_with_retry_after():
    async def slow_app(scope, receive, send):
        await asyncio.sleep(0.3)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def run():
        app = ConcurrencyLimit(slow_app, workers=1, queue=1)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return await asyncio.gather(*(c.post("/ask") for _ in range(4)))

    responses = asyncio.run(run())
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 2 and codes.count(503) == 2
    assert all(r.headers["retry-after"] == "1" for r in responses if r.status_code == 503)
