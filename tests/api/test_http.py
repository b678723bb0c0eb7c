"""The real API, served by uvicorn over the sample index, asked over HTTP; once per store (FAISS, Milvus)."""
import httpx
import pytest


@pytest.fixture(scope="module")
def client(store_api_url):
    with httpx.Client(base_url=store_api_url, timeout=60) as c:
        yield c


def test_health_counts_the_corpus(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["documents"] == 5 and body["chunks"] >= 5


def test_documents_carry_derived_metadata(client):
    docs = {d["source"]: d for d in client.get("/documents").json()["documents"]}
    assert len(docs) == 5
    d = docs["003_02f4682a8e564762.txt"]
    assert d["url"].startswith("https://nhandan.vn/") and d["chunks"] >= 1
    assert docs["000_26c842c1430eb98e.txt"]["title"] == "Động lực thúc đẩy chuyển đổi số"


def test_search_returns_hits_best_first(client):
    hits = client.post("/search", json={"query": "Hà Tĩnh chỉ số Nhận thức số", "top_k": 3}).json()["hits"]
    assert len(hits) == 3
    assert hits[0]["source"] == "003_02f4682a8e564762.txt"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert set(hits[0]) >= {"chunk_id", "doc_id", "source", "title", "url", "text", "score"}


def test_ask_answers_with_citations(client):
    body = client.post("/ask", json={"question": "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?"}).json()
    assert body["found"] is True
    assert "15" in body["answer"]
    assert body["citations"] and body["citations"][0]["marker"] == 1
    assert "[1]" in body["answer"]
    c = body["citations"][0]
    assert c["source"] == "000_26c842c1430eb98e.txt"
    assert c["text"][c["quote_start"] : c["quote_end"]] == c["quote"]


def test_the_short_answer_is_a_span_of_its_citation(client):
    body = client.post("/ask", json={"question": "Tỷ lệ ký số cơ quan của Thanh Hóa đạt bao nhiêu?"}).json()
    short = body["short_answer"]
    assert short["text"] == "99%"
    citation = next(c for c in body["citations"] if c["marker"] == short["marker"])
    assert citation["text"][short["start"] : short["end"]] == short["text"]
    assert body["answer"].startswith("tỷ lệ ký số cơ quan đạt 99%")  # the clause, not the 600-character sentence


def test_a_why_question_has_no_short_answer(client):
    body = client.post("/ask", json={"question": "Vì sao Thanh Hóa cần nỗ lực để có thứ hạng chuyển đổi số cao hơn?"}).json()
    assert "short_answer" in body and body["short_answer"] is None


def test_offered_questions_are_answered_from_their_document(client):
    """Every question the API offers to click (the first screen's and each document's) gets found: true, cites
    that document and answers with more than its title."""
    titles = {d["doc_id"]: d["title"] for d in client.get("/documents").json()["documents"]}
    offered = client.get("/questions").json()["questions"]
    assert len(offered) >= 3
    for doc_id in titles:
        offered += client.get(f"/documents/{doc_id}/questions").json()["questions"]
    for q in offered:
        body = client.post("/ask", json={"question": q["question"]}).json()
        assert body["found"], q
        cited = [c for c in body["citations"] if c["doc_id"] == q["doc_id"]]
        assert cited and all(c["quote"].strip(" .") != titles[q["doc_id"]].strip(" .") for c in cited), q
        assert q["answer"] in body["answer"]


def test_questions_of_an_unknown_document_are_404(client):
    r = client.get("/documents/no-such-document/questions")
    assert r.status_code == 404 and r.json()["detail"]


def test_every_marker_in_the_answer_has_its_citation(client):
    body = client.post("/ask", json={"question": "Ai là Giám đốc Sở Thông tin và Truyền thông Thanh Hóa?"}).json()
    import re

    used = {int(m) for m in re.findall(r"\[(\d+)\]", body["answer"])}
    assert used and used == {c["marker"] for c in body["citations"]}


def test_ask_off_topic_is_not_found_without_citations(client):
    body = client.post("/ask", json={"question": "Giá vàng SJC hôm nay là bao nhiêu?"}).json()
    assert body["found"] is False
    assert body["citations"] == []
    assert "không" in body["answer"].lower()


@pytest.mark.parametrize(
    "path, payload",
    [
        ("/ask", {"question": ""}),
        ("/ask", {"question": "   \n "}),
        ("/ask", {"question": "x" * 2001}),
        ("/ask", {"question": "Thanh Hóa?", "top_k": 0}),
        ("/ask", {"question": "Thanh Hóa?", "top_k": 51}),
        ("/ask", {"question": 42}),
        ("/ask", {"question": "Thanh Hóa?", "history": [{"role": "system", "content": "x"}]}),
        ("/ask", {}),
        ("/search", {"query": "x", "top_k": "many"}),
        ("/search", {"query": "x", "topk": 3}),
    ],
)
def test_bad_input_is_422_with_detail(client, path, payload):
    r = client.post(path, json=payload)
    assert r.status_code == 422
    assert r.json()["detail"]


def test_malformed_json_is_4xx(client):
    r = client.post("/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    assert "/ask" in client.get("/openapi.json").json()["paths"]


def test_filters_are_accepted_and_validated(client):
    hits = client.post("/search", json={"query": "chuyển đổi số", "publisher": "nhandan.vn"}).json()["hits"]
    assert hits and {h["source"] for h in hits} == {"003_02f4682a8e564762.txt"}
    assert client.post("/search", json={"query": "x", "year_from": 2025, "year_to": 2020}).status_code == 422
    assert client.post("/ask", json={"question": "x?", "year_from": "năm ngoái"}).status_code == 422
