"""POST /feedback: ratings stored in their own SQLite file, bad input refused with a 4xx."""
from __future__ import annotations

import json
import sqlite3

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from retriever.engine import Engine
from retriever.settings import Settings

GOOD = {
    "question": "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?",
    "answer": "Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh, thành phố cả nước. [1]",
    "citations": ["c-000001"],
    "rating": "up",
}


@pytest.fixture(scope="module")
def engine(sample_index, embedder) -> Engine:
    return Engine(Settings(index_dir=sample_index), embedder)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "nested" / "feedback.sqlite"


@pytest.fixture
def client(engine, db, sample_index):
    with TestClient(create_app(Settings(index_dir=sample_index, feedback_db=db), engine)) as c:
        yield c


def rows(db) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM feedback ORDER BY id")]


def test_database_is_created_at_start_up(client, db):
    assert db.is_file()
    assert rows(db) == []


def test_rating_is_stored(client, db):
    response = client.post("/feedback", json=GOOD)

    assert response.status_code == 201
    (row,) = rows(db)
    assert response.json() == {"id": row["id"]}
    assert row["question"] == GOOD["question"] and row["answer"] == GOOD["answer"]
    assert row["rating"] == "up" and row["comment"] is None
    assert json.loads(row["citations"]) == [{"chunk_id": "c-000001"}]
    assert row["created_at"].endswith("+00:00")


def test_citation_objects_and_comment_are_stored(client, db):
    citation = {
        "chunk_id": "c-2", "doc_id": "d", "source": "a.txt", "title": "Tiêu đề", "url": None, "text": "Cả đoạn.",
        "score": 0.9, "marker": 1, "quote": "Cả đoạn.", "quote_start": 0, "quote_end": 8,
    }
    body = {**GOOD, "citations": [citation], "rating": "down", "comment": "Thiếu số liệu năm 2021."}

    assert client.post("/feedback", json=body).status_code == 201
    (row,) = rows(db)
    assert row["rating"] == "down" and row["comment"] == "Thiếu số liệu năm 2021."
    # The passage text and scores are not kept: the chunk id points to them.
    assert json.loads(row["citations"]) == [
        {"chunk_id": "c-2", "marker": 1, "title": "Tiêu đề", "source": "a.txt", "quote": "Cả đoạn."}
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"rating": "meh"},
        {"rating": None},
        {"question": "   "},
        {"question": "x" * 2001},
        {"answer": ""},
        {"comment": "x" * 2001},
        {"citations": "c-1"},
        {"citations": [""]},
        {"citations": ["c"] * 51},
        {"citations": [{"marker": 1}]},  # an object without chunk_id
        {"extra": 1},
    ],
)
def test_bad_input_is_refused(client, db, change):
    response = client.post("/feedback", json={**GOOD, **change})

    assert response.status_code == 422
    assert response.json()["detail"]
    assert rows(db) == []


def test_missing_fields_and_malformed_json_are_refused(client, db):
    assert client.post("/feedback", json={"rating": "up"}).status_code == 422
    bad_json = client.post("/feedback", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 422
    assert rows(db) == []
