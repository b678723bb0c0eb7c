"""A small OpenAI-compatible chat server for tests: fixed completions, streamed or not, or failures on demand.

It listens on 127.0.0.1 on a free port, records every request body, and answers /v1/chat/completions with
`reply` (split into `chunks` when the client streams), HTTP 500 when `fail` is set, after `delay` seconds.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLM:
    def __init__(self) -> None:
        self.reply = ""
        self.chunks: list[str] | None = None  # streamed pieces; default: the reply word by word
        self.fail = False
        self.delay = 0.0  # before the answer (non-streaming) or before each piece (streaming)
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def set(self, reply: str = "", chunks: list[str] | None = None, fail: bool = False, delay: float = 0.0) -> None:
        self.reply, self.chunks, self.fail, self.delay = reply, chunks, fail, delay
        self.requests.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                if fake.fail:
                    self._json(500, {"error": {"message": "boom", "type": "server_error"}})
                elif body.get("stream"):
                    self._stream(fake.chunks if fake.chunks is not None else _pieces(fake.reply))
                else:
                    time.sleep(fake.delay)
                    message = {"role": "assistant", "content": fake.reply}
                    self._json(200, {**_head("chat.completion"), "choices": [
                        {"index": 0, "message": message, "finish_reason": "stop"}
                    ], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})  # fmt: skip

            def _json(self, status: int, data: dict) -> None:
                raw = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def _stream(self, pieces: list[str]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                try:
                    for piece in pieces:
                        time.sleep(fake.delay)
                        delta = {"role": "assistant", "content": piece}
                        chunk = {**_head("chat.completion.chunk"), "choices": [
                            {"index": 0, "delta": delta, "finish_reason": None}
                        ]}  # fmt: skip
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                    self.wfile.write(b"data: [DONE]\n\n")
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

        return Handler


def _head(kind: str) -> dict:
    return {"id": "chatcmpl-test", "object": kind, "created": 0, "model": "fake"}


def _pieces(text: str) -> list[str]:
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
