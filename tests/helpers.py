"""What tests share: the repository's paths, test indexes in either store, real servers started on free ports
(the API, Milvus Lite, a fake OpenAI-compatible chat model) and a fast deterministic embedder."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import numpy as np

from retriever.settings import Settings
from retriever.store.base import Store
from retriever.store.factory import open_store
from retriever.store.faiss import FaissReader, FaissWriter
from retriever.text.normalize import fold

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
STORES = ["faiss", "milvus"]



@dataclass(frozen=True)
class StoreConfig:
    """Where one test index lives, in either store: settings() for an engine in this process, env() for a server
    process. A Milvus Lite file opens in one process only, so an index served to other processes uses a URI of
    the milvus_server fixture."""

    store: str
    index_dir: Path
    milvus_uri: str = ""
    prefix: str = "policyqa"

    def settings(self, **overrides) -> Settings:
        if self.store == "milvus":
            overrides = {"milvus_uri": self.milvus_uri, "milvus_collection_prefix": self.prefix, **overrides}
        return Settings(index_dir=self.index_dir, store=self.store, **overrides)

    @cached_property
    def opened(self) -> Store:
        """One store object for this index in this process, shared by its readers and writers as the API shares
        one (a Milvus Lite file opens in one client per process)."""
        return open_store(self.settings())

    def env(self) -> dict[str, str]:
        env = {"POLICYQA_STORE": self.store, "POLICYQA_INDEX_DIR": str(self.index_dir)}
        if self.store == "milvus":
            env |= {"POLICYQA_MILVUS_URI": self.milvus_uri, "POLICYQA_MILVUS_COLLECTION_PREFIX": self.prefix}
        return env


def store_config(store: str, folder: Path, milvus_uri: str | None = None, prefix: str = "policyqa") -> StoreConfig:
    """An empty index in `folder`: FAISS files, or Milvus collections in a Lite file there (or at milvus_uri)."""
    return StoreConfig(store, folder / "index", milvus_uri or str(folder / "milvus.db"), prefix)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def serve(args: list[str], port: int, health: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`python ARGS` from the repository, serving on 127.0.0.1:port; returns the process and its base URL once
    `health` answers (the process is killed when it does not)."""
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=REPO, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + health, proc)
    except Exception:
        proc.kill()
        raise
    return proc, url


def start_api(index_dir: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`python -m api` on a free port; returns the process and its base URL once /health answers."""
    port = free_port()
    # Feedback goes to a throwaway database, never to the repository's data/ folder. No rate limit unless a test
    # sets one (tests/api/test_protection.py): a test module asks dozens of questions in seconds, as no person does.
    env = {"POLICYQA_FEEDBACK_DB": str(Path(tempfile.mkdtemp()) / "feedback.sqlite"),
           "POLICYQA_RATE_LIMIT_PER_MINUTE": "0", **(env or {})}
    return serve(["-m", "api", "--index", str(index_dir), "--port", str(port)], port, "/health", env)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_milvus_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """`milvus-lite server` over a Lite file on a free port: how several processes share one Lite store."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("milvus-lite")), "server", "--data-dir", str(data_dir),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"milvus-lite server exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError("milvus-lite server did not listen within 60 s")


@contextmanager
def streamlit_app(api_url: str) -> Iterator[str]:
    """`streamlit run ui/app.py` against `api_url`; yields the page's address once Streamlit answers."""
    port = free_port()
    args = [
        "-m", "streamlit", "run", "ui/app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    proc, url = serve(args, port, "/_stcore/health", {"POLICYQA_API_URL": api_url})
    try:
        yield url
    finally:
        stop(proc)


def faiss_reader(index_dir: Path, embedder_name: str | None = None, settings: Settings | None = None) -> FaissReader:
    """The live version of a FAISS index folder, with default settings unless given."""
    return FaissReader(settings or Settings(index_dir=index_dir), embedder_name, Path(index_dir))


def faiss_writer(index_dir: Path, embedder_name: str, dim: int, settings: Settings | None = None) -> FaissWriter:
    return FaissWriter(settings or Settings(index_dir=index_dir), embedder_name, dim, Path(index_dir))


# -- a fast deterministic embedder ------------------------------------------------------------------------------
class HashEmbedder:
    """Bag of folded words hashed into `dim` buckets, L2-normalized: texts sharing words are close."""

    name = "test/hash-embedder"

    def __init__(self, dim: int = 64):
        self.dim = dim

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", fold(text)):
                out[i, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


# -- a fake chat model: an OpenAI-compatible server ------------------------------------------------------------
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
