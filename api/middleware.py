"""Protections in front of the routes: body size limit, JSON bodies checked, per-client rate limit, bounded CPU
concurrency, an optional read key. Pure ASGI middleware, so a rejected request is never parsed."""
from __future__ import annotations

import asyncio
import hmac
import json
import math
import time
from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import check_json, excerpt

# The endpoints that embed and search: the expensive ones, and the ones a client may hammer.
CPU_PATHS = ("/ask", "/search")
# The JSON endpoints, whose bodies JsonBody checks before any route parses them.
JSON_PATHS = ("/search", "/ask", "/ask/stream", "/feedback")
DOCS_ASSETS = "/static-offline-docs"  # fastapi-offline's Swagger UI and ReDoc files
OPEN_PATHS = ("/health", "/docs", "/openapi.json", "/redoc", DOCS_ASSETS)


async def _reject(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return v.decode("latin-1")
    return None


class BodyLimit:
    """413 for bodies over the limit, whether announced by Content-Length or streamed without one."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int):
        self.app, self.max_bytes, self.upload_max_bytes = app, max_bytes, upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = scope["method"] == "POST" and scope["path"] == "/documents"
        limit = self.upload_max_bytes + 64 * 1024 if upload else self.max_bytes  # multipart framing
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return await _reject(send, 413, f"Nội dung yêu cầu quá lớn (tối đa {limit} byte).")
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except _TooLarge:
            if not started:
                await _reject(send, 413, f"Nội dung yêu cầu quá lớn (tối đa {limit} byte).")


class _TooLarge(Exception):
    pass


class RateLimit:
    """Token bucket per client address on the CPU endpoints: `per_minute` sustained, `burst` at once."""

    def __init__(self, app: ASGIApp, per_minute: int, burst: int, max_clients: int = 100_000):
        self.app, self.rate, self.burst, self.max_clients = app, per_minute / 60.0, burst, max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0 or not scope["path"].startswith(CPU_PATHS):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        now = time.monotonic()
        tokens, last = self.buckets.pop(client, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            wait = math.ceil((1 - tokens) / self.rate)
            return await _reject(send, 429, "Quá nhiều yêu cầu, vui lòng thử lại sau.", {"Retry-After": str(wait)})
        self.buckets[client] = (tokens - 1, now)
        while len(self.buckets) > self.max_clients:  # forget the least recently seen clients
            self.buckets.popitem(last=False)
        await self.app(scope, receive, send)


class ConcurrencyLimit:
    """At most `workers` CPU requests run at once and `queue` wait; beyond that a fast 503, not a long wait."""

    def __init__(self, app: ASGIApp, workers: int, queue: int):
        self.app, self.queue = app, queue
        self.slots = asyncio.Semaphore(workers)
        self.waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(CPU_PATHS):
            return await self.app(scope, receive, send)
        if self.waiting >= self.queue:
            return await _reject(send, 503, "Hệ thống đang quá tải, vui lòng thử lại sau.", {"Retry-After": "1"})
        self.waiting += 1
        try:
            await self.slots.acquire()
        finally:
            self.waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()


class ReadKey:
    """When a read key is configured, every endpoint but the open ones needs X-API-Key (read or admin key)."""

    def __init__(self, app: ASGIApp, keys: list[str]):
        self.app, self.keys = app, [k.encode() for k in keys if k]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PATHS) or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        given = (_header(scope, b"x-api-key") or "").encode("latin-1")
        if not any(hmac.compare_digest(given, k) for k in self.keys):
            return await _reject(send, 401, "Thiếu hoặc sai khóa X-API-Key.")
        await self.app(scope, receive, send)


class JsonBody:
    """The JSON endpoints take application/json only (415 otherwise), as strict UTF-8, bounded in depth and in the
    size of numbers (400 otherwise), each refusal with its reason. The body, already limited in size by BodyLimit,
    is read once here and handed on unchanged."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in JSON_PATHS:
            return await self.app(scope, receive, send)
        media = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            got = excerpt(media) or "không có"
            return await _reject(send, 415, f"Content-Type phải là application/json (nhận được: {got}).")
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        refused = check_json(body)
        if refused:
            return await _reject(send, *refused)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
