"""python -m evals.evaluate: metric definitions, held-out documents, SQuAD files, the vector cache, one evaluation
through the Engine."""
import json

import pytest

from evals.cache import CachedEmbedder
from evals.datasets import (
    CACHE, Holdout, Question, dataset_settings, hold_out, left_out_sources, load_jsonl, squad, unseen_at,
)
from evals.evaluate import evaluate, format_table, lead
from evals.metrics import answer_contains, exact_match, ranking_metrics, token_f1
from ingest.pipeline import IngestPipeline, TextRecord
from retriever.engine import Engine
from retriever.settings import Settings
from retriever.types import Answer, Hit, ShortAnswer
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


def two_articles(tmp_path, store: str, **overrides):
    """An index of two short articles in `store`, and its settings."""
    records = [
        TextRecord("a.txt", "Ngân sách", "Ngân sách nhà nước năm 2024 tăng 5% so với năm trước."),
        TextRecord("b.txt", "Bảo hiểm", "Tỷ lệ bao phủ bảo hiểm y tế của tỉnh đạt 93%."),
    ]
    config = store_config(store, tmp_path)
    settings = config.settings(**overrides)
    IngestPipeline(settings, HashEmbedder(), config.opened).run_records(records)
    return config, settings


@pytest.mark.parametrize("store", STORES)
def test_evaluate_through_the_engine(tmp_path, store):
    config, settings = two_articles(tmp_path, store)
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


def test_token_f1_and_exact_match_on_syllables():
    assert exact_match("năm 1995.", ["Năm 1995"]) == 1.0
    assert token_f1("vào năm 1995", ["năm 1995"]) == pytest.approx(0.8)
    assert token_f1("98,7%", ["tỷ lệ 98,7%"]) == pytest.approx(0.5)  # "98,7%" is one token, not three
    assert token_f1("không", ["có"]) == 0.0
    assert token_f1("Nguyễn Phú Tiến", ["ông Tiến", "Nguyễn Phú Tiến"]) == 1.0  # the best gold span counts


def test_holdout_leaves_whole_documents_out_and_marks_their_questions():
    records = [TextRecord(f"d{i}", f"T{i}", f"Văn bản {i}.") for i in range(10)]
    questions = [Question(f"q{i}", [f"{i}"], {f"d{i}"}, spans=True) for i in range(10)]
    questions.append(Question("qboth", ["x"], {"d0", "d1"}))
    kept, marked = hold_out(records, questions, Holdout(0.2, seed=3))
    left_out = {r.source for r in records} - {r.source for r in kept}
    assert len(left_out) == 2
    assert all(q.answerable == bool(q.sources - left_out) for q in marked)
    assert hold_out(records, questions, Holdout(0.2, seed=3))[0] == kept  # the same seed, the same split
    assert hold_out(records, questions, Holdout(0.2, seed=4))[0] != kept
    assert hold_out(records, questions, None) == (records, questions)


def test_unseen_at_keeps_the_answerable_questions_another_seed_left_out():
    records = [TextRecord(f"d{i}", f"T{i}", f"Văn bản {i}.") for i in range(10)]
    questions = [Question(f"q{i}", [f"{i}"], {f"d{i}"}, spans=True) for i in range(10)]
    _, marked = hold_out(records, questions, Holdout(0.2, seed=2))
    kept = unseen_at(records, marked, Holdout(0.2, seed=2), other_seed=1)
    left_out_at_1 = left_out_sources(records, Holdout(0.2, seed=1))
    answerable = [q for q in kept if q.answerable]
    assert answerable and all(q.sources <= left_out_at_1 for q in answerable)
    assert {q.question for q in kept if not q.answerable} == {q.question for q in marked if not q.answerable}
    assert len(answerable) == len(left_out_at_1 - left_out_sources(records, Holdout(0.2, seed=2)))


def test_a_squad_file_is_one_document_per_paragraph(tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"data": [{"title": "Học phí", "paragraphs": [
        {"context": "Học phí mỗi tín chỉ là 500.000 đồng.", "qas": [
            {"question": "Học phí mỗi tín chỉ  là bao nhiêu?", "answers": [{"text": "500.000 đồng", "answer_start": 23}]},
            {"question": "Không có đáp án?", "answers": []},
        ]},
    ]}]}), encoding="utf-8")
    records, questions = squad(path)
    assert [(r.source, r.title) for r in records] == [("Học phí/0", "Học phí")]
    assert questions == [Question("Học phí mỗi tín chỉ là bao nhiêu?", ["500.000 đồng"], {"Học phí/0"}, spans=True)]


def test_the_lead_is_the_short_answer_else_the_first_quote():
    hit_ = Hit("c", "d", "s", "T", None, "Tỷ lệ đạt 99%.", 1.0)
    with_short = Answer("Tỷ lệ đạt 99%. [1]", True, short_answer=ShortAnswer("99%", 1, 10, 13))
    assert lead(with_short) == "99%"
    assert lead(Answer("Tỷ lệ đạt 99%. [1] Khác. [2]", True)) == "Tỷ lệ đạt 99%."
    assert hit_.text[10:13] == "99%"


@pytest.mark.parametrize("store", STORES)
def test_answer_metrics_over_answerable_and_left_out_questions(tmp_path, store):
    config, settings = two_articles(tmp_path, store, min_dense_score=0.0)
    questions = [
        Question("Tỷ lệ bao phủ bảo hiểm y tế của tỉnh đạt bao nhiêu?", ["93%"], {"b.txt"}, spans=True),
        Question("Thời tiết hôm nay thế nào?", ["nắng"], {"c.txt"}, spans=True, answerable=False),
    ]
    engine = Engine(settings, embedder=HashEmbedder(), store=config.opened)
    result = evaluate(engine, questions, "hybrid", answers=True, top_k=5)
    assert result["answer contains"] == 1.0 and result["false refusals"] == 0.0
    assert result["short EM"] == result["short F1"] == 1.0  # "93%" exactly
    assert result["refused (left out)"] in (0.0, 1.0)  # defined, over the one left-out question
    assert result["answer chars p50"] > 0 and result["hit@1"] == 1.0
    assert list(result)[:3] == ["answer contains", "citation has source", "false refusals"]
