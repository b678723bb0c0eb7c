"""python -m evals.evaluate: metric definitions, the vector cache, one evaluation through the Engine."""
import json

import pytest

from evals.cache import CachedEmbedder
from evals.datasets import CACHE, Question, dataset_settings, load_jsonl
from evals.evaluate import evaluate, format_table
from evals.metrics import answer_contains, ranking_metrics
from ingest.pipeline import IngestPipeline, TextRecord
from retriever.engine import Engine
from retriever.settings import Settings
from tests.helpers import STORES, HashEmbedder, store_config


def test_ranking_metrics():
    m = ranking_metrics([False, True, False, True], n_relevant=2, prefix="document")
    assert m["document Recall@1"] == 0 and m["document Recall@5"] == 1
    assert m["document MRR@10"] == 0.5
    assert 0 < m["document nDCG@10"] < 1
    assert ranking_metrics([True], 1, "p")["p nDCG@10"] == pytest.approx(1.0)


def test_answer_contains_compares_one_unicode_form_and_case():
    assert answer_contains("Tỷ lệ đạt 93% năm 2024.", ["93%"])
    assert answer_contains("Thanh Hoá xếp thứ 12", ["thanh hóa"])  # tone-mark placement and case
    assert not answer_contains("Tỷ lệ đạt 39%.", ["93%"])
    assert not answer_contains("bất kỳ", ["", "  "])  # empty expectations never match


class Counting(HashEmbedder):
    calls = 0

    def embed_passages(self, texts):
        self.calls += len(texts)
        return super().embed_passages(texts)


def test_cached_embedder_embeds_each_text_once(tmp_path):
    inner = Counting()
    cached = CachedEmbedder(inner, tmp_path / "v.sqlite")
    first = cached.embed_passages(["một", "hai", "một"])
    again = CachedEmbedder(inner, tmp_path / "v.sqlite").embed_passages(["hai", "một"])
    assert inner.calls == 2
    assert (first[1] == again[0]).all() and (first[0] == again[1]).all()
    assert cached.name == inner.name


@pytest.mark.parametrize("store", STORES)
def test_evaluate_through_the_engine(tmp_path, store):
    records = [
        TextRecord("a.txt", "Ngân sách", "Ngân sách nhà nước năm 2024 tăng 5%."),
        TextRecord("b.txt", "Bảo hiểm", "Tỷ lệ bao phủ bảo hiểm y tế đạt 93%."),
    ]
    config = store_config(store, tmp_path)
    settings = config.settings()
    IngestPipeline(settings, HashEmbedder(), config.opened).run_records(records)
    (tmp_path / "q.jsonl").write_text(
        json.dumps({"question": "Tỷ lệ bao phủ bảo hiểm y tế đạt bao nhiêu?", "answer_contains": ["93%"], "source": "b.txt"})
    )
    questions = load_jsonl(tmp_path / "q.jsonl")
    assert questions == [Question("Tỷ lệ bao phủ bảo hiểm y tế đạt bao nhiêu?", ["93%"], {"b.txt"})]
    engine = Engine(settings, embedder=HashEmbedder(), store=config.opened)
    results = {m: evaluate(engine, questions, m, answers=False, top_k=5) for m in ("bm25", "hybrid")}
    assert results["bm25"]["hit@1"] == results["hybrid"]["document MRR@10"] == 1.0
    assert results["hybrid"]["passage Recall@1"] == 1.0
    table = format_table("t", results)
    assert table.splitlines()[1].split() == ["bm25", "hybrid"] and "hit@1" in table


def test_each_store_keeps_its_own_dataset_index():
    assert dataset_settings(Settings(), "uit", None).index_dir == CACHE / "uit"
    lite = dataset_settings(Settings(store="milvus"), "uit", None)
    assert lite.index_dir == CACHE / "uit-milvus" and lite.milvus_uri == str(lite.index_dir / "milvus.db")
    server = dataset_settings(Settings(store="milvus", milvus_uri="http://milvus:19530"), "uit", None)
    assert server.milvus_uri == "http://milvus:19530" and server.milvus_collection_prefix == "policyqa_uit"
