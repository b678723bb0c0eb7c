"""Filters by document type, year, publisher and source, over an index with a legal document and news; in each
store (Milvus applies them inside its search)."""
import shutil

import pytest

from ingest.pipeline import IngestPipeline
from retriever.engine import Engine
from retriever.filters import Filters
from tests.helpers import CORPUS, STORES, store_config

DECREE = """CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 13/2023/NĐ-CP
Hà Nội, ngày 17 tháng 4 năm 2023

NGHỊ ĐỊNH
Bảo vệ dữ liệu cá nhân

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định về bảo vệ dữ liệu cá nhân và trách nhiệm bảo vệ dữ liệu cá nhân của cơ quan, tổ chức, cá nhân có liên quan trong chuyển đổi số.
"""


@pytest.fixture(scope="module", params=STORES)
def engine(request, tmp_path_factory, embedder):
    docs = tmp_path_factory.mktemp("filter-docs")
    for name in ["000_26c842c1430eb98e.txt", "003_02f4682a8e564762.txt"]:
        shutil.copy(CORPUS / name, docs / name)
    (docs / "luat").mkdir()
    (docs / "luat" / "nd-13-2023.txt").write_text(DECREE, encoding="utf-8")
    settings = store_config(request.param, tmp_path_factory.mktemp("filter-index")).settings()
    IngestPipeline(settings, embedder).run([docs])
    return Engine(settings, embedder)


def test_legal_metadata_reaches_documents_and_hits(engine):
    decree = next(d for d in engine.documents() if d.source == "luat/nd-13-2023.txt")
    assert decree.doc_type == "Nghị định" and decree.doc_number == "13/2023/NĐ-CP"
    assert decree.issued_date == "2023-04-17" and decree.year == 2023
    hit = engine.search("bảo vệ dữ liệu cá nhân", 1)[0]
    assert hit.source == "luat/nd-13-2023.txt" and hit.doc_type == "Nghị định" and hit.issued_date == "2023-04-17"


def test_filter_by_type_keeps_only_that_type(engine):
    hits = engine.search("chuyển đổi số", 5, filters=Filters(doc_type="nghị định"))
    assert hits and {h.source for h in hits} == {"luat/nd-13-2023.txt"}


def test_filter_by_publisher_and_source(engine):
    hits = engine.search("chuyển đổi số", 5, filters=Filters(publisher="NHANDAN.VN"))
    assert hits and {h.source for h in hits} == {"003_02f4682a8e564762.txt"}
    assert {h.source for h in engine.search("chuyển đổi số", 5, filters=Filters(source="luat/"))} == {"luat/nd-13-2023.txt"}
    assert {h.source for h in engine.search("chuyển đổi số", 5, filters=Filters(source="000_26c842c1430eb98e.txt"))} == {
        "000_26c842c1430eb98e.txt"
    }


def test_filter_by_year_range(engine):
    assert {h.source for h in engine.search("chuyển đổi số", 5, filters=Filters(year_from=2023, year_to=2023))} == {
        "luat/nd-13-2023.txt"
    }
    assert engine.search("chuyển đổi số", 5, filters=Filters(year_from=1990, year_to=1999)) == []


def test_no_filter_searches_everything(engine):
    assert len({h.source for h in engine.search("chuyển đổi số Thanh Hóa Hà Tĩnh dữ liệu", 50)}) == 3


def test_ask_respects_filters(engine):
    answer = engine.ask("Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?", 5, filters=Filters(doc_type="Nghị định"))
    assert not answer.found or all(c.hit.doc_type == "Nghị định" for c in answer.citations)
