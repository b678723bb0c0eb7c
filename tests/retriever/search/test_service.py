"""Dense, BM25 and hybrid search; fusion; duplicates collapsed; optional reranking; the mode on the API. The
searches run over each store (FAISS, Milvus)."""
import pytest
from pydantic import ValidationError

from api.schemas import AskRequest, SearchRequest
from ingest.pipeline import IngestPipeline, TextRecord
from retriever.engine import Engine
from retriever.search.fusion import reciprocal_rank_fusion, weighted_fusion
from retriever.search.rerank import make_reranker
from retriever.search.service import SearchService
from retriever.settings import Settings
from retriever.text.normalize import fold
from tests.helpers import STORES, HashEmbedder, store_config

STORY = (
    "Theo kết quả xếp hạng chuyển đổi số năm 2021, Thanh Hóa xếp thứ 12/63 tỉnh, thành phố, tăng 3 bậc so với "
    "năm 2020. Về chính quyền số, tỉnh xếp thứ 12; kinh tế số xếp thứ 22; xã hội số xếp thứ 12."
)
RECORDS = [
    TextRecord("a/thanh-hoa.txt", "Thanh Hóa tăng 3 bậc về chuyển đổi số", STORY),
    # The same story from another publisher, a word changed.
    TextRecord("b/thanh-hoa.txt", "Thanh Hóa tăng 3 bậc về chuyển đổi số", STORY.replace("Về", "Còn về")),
    TextRecord("c/ha-tinh.txt", "Hà Tĩnh và chuyển đổi số", "Chỉ số Nhận thức số của Hà Tĩnh đạt thứ 57/63 năm 2021."),
    TextRecord("d/duong.txt", "Đường giao thông", "UBND huyện đầu tư làm đường giao thông nông thôn."),
]


@pytest.fixture(scope="module", params=STORES)
def small_index(request, tmp_path_factory):
    config = store_config(request.param, tmp_path_factory.mktemp("small"))
    report = IngestPipeline(config.settings(chunk_size=400), HashEmbedder(), config.opened).run_records(RECORDS)
    return config, report


def engine(config, **overrides) -> Engine:
    return Engine(config.settings(**overrides), embedder=HashEmbedder(), store=config.opened)


def test_rrf_rewards_agreement_between_rankings():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]], [1.0, 1.0], k=60)
    assert max(fused, key=fused.get) == 1  # ranks 1 and 2 beat ranks 3 and 1
    assert fused[3] > fused[2] and fused[4] > 0
    assert reciprocal_rank_fusion([[1], [2]], [1.0, 2.0], k=60)[2] == pytest.approx(2 / 61)


def test_weighted_fusion_normalizes_each_list():
    fused = weighted_fusion([[(1, 0.9), (2, 0.8)], [(2, 30.0), (1, 10.0)]], [1.0, 1.0])
    assert fused == {1: pytest.approx(1.0), 2: pytest.approx(1.0)}


def test_every_mode_finds_the_article(small_index):
    e = engine(small_index[0])
    for mode in ("dense", "bm25", "hybrid"):
        assert e.search("Hà Tĩnh nhận thức số", 3, mode)[0].source == "c/ha-tinh.txt", mode


def test_hybrid_hits_carry_the_dense_cosine(small_index):
    e = engine(small_index[0])
    dense = {h.chunk_id: h.dense_score for h in e.search("đường giao thông nông thôn", 10, "dense")}
    hybrid = e.search("đường giao thông nông thôn", 10, "hybrid")
    assert hybrid and all(h.dense_score == pytest.approx(dense[h.chunk_id], abs=1e-5) for h in hybrid)
    assert all(h.dense_score is None for h in e.search("đường giao thông", 3, "bm25"))


def test_unaccented_query_finds_what_the_accented_one_finds(small_index):
    e = engine(small_index[0])
    query = "Chỉ số nhận thức số của Hà Tĩnh năm 2021"
    assert e.search(fold(query), 1, "hybrid")[0].source == e.search(query, 1, "hybrid")[0].source == "c/ha-tinh.txt"


def test_abbreviation_in_the_query_matches_the_spelled_out_text(small_index):
    e = engine(small_index[0])
    assert e.search("Ủy ban nhân dân huyện làm gì", 1, "bm25")[0].source == "d/duong.txt"


def test_the_same_story_twice_is_shown_once(small_index):
    e = engine(small_index[0])
    sources = [h.source for h in e.search("Thanh Hóa xếp thứ mấy về chuyển đổi số năm 2021", 5)]
    assert len({"a/thanh-hoa.txt", "b/thanh-hoa.txt"} & set(sources)) == 1
    kept_both = engine(small_index[0], duplicate_threshold=1.0).search("Thanh Hóa xếp thứ mấy năm 2021", 5)
    assert {"a/thanh-hoa.txt", "b/thanh-hoa.txt"} <= {h.source for h in kept_both}


def test_ingest_reports_near_duplicate_documents(small_index):
    report = small_index[1]
    assert [(d.source, d.other) for d in report.near_duplicates] == [("a/thanh-hoa.txt", "b/thanh-hoa.txt")]
    assert "near-duplicate: a/thanh-hoa.txt repeats b/thanh-hoa.txt" in report.summary()


class ShortestFirst:
    """A fake reranker: prefers shorter passages, whatever the query."""

    def rerank(self, query, hits):
        for h in hits:
            h.score = -len(h.text)
        return sorted(hits, key=lambda h: -h.score)


def test_reranker_orders_the_candidates(small_index):
    config = small_index[0]
    reader = config.opened.open_reader(HashEmbedder.name)
    service = SearchService(reader, HashEmbedder(), config.settings(), reranker=ShortestFirst())
    hits = service.search("chuyển đổi số", 3)
    assert [len(h.text) for h in hits] == sorted(len(h.text) for h in hits)
    assert all(h.dense_score is not None for h in hits)


def test_reranking_is_off_by_default():
    assert make_reranker(Settings()) is None


def test_api_requests_take_an_optional_mode():
    assert SearchRequest(query="x").mode is None
    assert SearchRequest(query="x", mode="bm25").mode == "bm25"
    assert AskRequest(question="x", mode="dense").mode == "dense"
    with pytest.raises(ValidationError):
        SearchRequest(query="x", mode="sparse")


@pytest.mark.slow
def test_sample_corpus_questions_accented_and_not(sample_store, embedder):
    e = Engine(sample_store.settings(), embedder=embedder)
    for question, source in [
        ("Năm 2021 Thanh Hóa xếp thứ mấy về chuyển đổi số?", "004_f32387abdc4cf322.txt"),
        ("Chỉ số Nhận thức số của Hà Tĩnh xếp thứ bao nhiêu?", "003_02f4682a8e564762.txt"),
    ]:
        for q in (question, fold(question)):
            hits = e.search(q, 3, "hybrid")
            assert hits[0].source == source, q
            assert hits[0].dense_score > 0.8


DEFINING = [
    TextRecord("e/dinh-nghia.txt", "Giải thích từ ngữ", "Học phí học kỳ (HPHK) là khoản tiền sinh viên đóng mỗi học kỳ."),
    TextRecord("f/hoc-phi.txt", "Học phí", "Học phí học kỳ được tính theo số tín chỉ sinh viên đăng ký."),
    TextRecord("g/ren-luyen.txt", "Điểm rèn luyện", "Điểm rèn luyện được tính theo thang điểm 100 cho mỗi học kỳ."),
]


@pytest.fixture(scope="module", params=STORES)
def defining_index(request, tmp_path_factory):
    config = store_config(request.param, tmp_path_factory.mktemp("defining"))
    IngestPipeline(config.settings(chunk_size=400), HashEmbedder(), config.opened).run_records(DEFINING)
    return config


def test_an_acronym_a_document_defines_is_searched_as_its_words(defining_index):
    e = engine(defining_index, min_dense_score=0.0, answer_semantic=False)  # words only: the test embedder means nothing
    for mode in ("bm25", "hybrid"):
        assert e.search("HPHK được tính theo gì?", 1, mode)[0].source == "f/hoc-phi.txt", mode
    answer = e.ask("HPHK được tính theo gì?", 3)
    assert answer.found and answer.citations[0].hit.source == "f/hoc-phi.txt"
