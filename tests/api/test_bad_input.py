"""No 500, ever, on input: every endpoint, uploads included, answers malformed bodies, wrong content types and
Unicode edge cases (lone surrogates, NUL, control characters, invalid UTF-8) with a 4xx and a reason, and echoes at
most a short excerpt of the offending value."""
import json
import urllib.parse

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.errors import EXCERPT_CHARS
from ingest.pipeline import IngestPipeline
from retriever.engine import Engine
from retriever.settings import Settings
from tests.helpers import CORPUS, HashEmbedder

ADMIN = {"X-API-Key": "admin-key-for-tests"}
JSON = "application/json"
MAX_ERROR_BYTES = 2048  # an error body: reasons and excerpts, never the offending 100 KB question


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-input")
    s = Settings(index_dir=folder / "index", feedback_db=folder / "feedback.sqlite", uploads_dir=folder / "uploads",
                 rate_limit_per_minute=0, admin_key=ADMIN["X-API-Key"])
    IngestPipeline(s, HashEmbedder()).run([CORPUS])
    with TestClient(create_app(s, Engine(s, embedder=HashEmbedder())), raise_server_exceptions=False) as c:
        yield c


def assert_refused(r, status: int | tuple[int, ...] = (400, 415, 422)):
    statuses = (status,) if isinstance(status, int) else status
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    assert len(r.content) <= MAX_ERROR_BYTES
    assert r.json()["detail"]


# The 11 bad inputs of the reliability tests (tests/api/test_http.py), as raw bodies, and the new cases.
SURROGATE = b'"\\ud800"'
CASES = [
    ("/ask", b'{"question": ""}', JSON, 422),
    ("/ask", b'{"question": "   \\n "}', JSON, 422),
    ("/ask", json.dumps({"question": "x" * 2001}).encode(), JSON, 422),
    ("/ask", b'{"question": "Thanh H\\u00f3a?", "top_k": 0}', JSON, 422),
    ("/ask", b'{"question": "Thanh H\\u00f3a?", "top_k": 51}', JSON, 422),
    ("/ask", b'{"question": 42}', JSON, 422),
    ("/ask", b'{"question": "x?", "history": [{"role": "system", "content": "x"}]}', JSON, 422),
    ("/ask", b"{}", JSON, 422),
    ("/search", b'{"query": "x", "top_k": "many"}', JSON, 422),
    ("/search", b'{"query": "x", "topk": 3}', JSON, 422),
    ("/ask", b"{not json", JSON, 422),
    # Unicode edge cases, in every string field of every JSON endpoint.
    ("/ask", b'{"question": ' + SURROGATE + b"}", JSON, 422),
    ("/ask", b'{"question": "x?", "history": [{"role": "user", "content": ' + SURROGATE + b"}]}", JSON, 422),
    ("/ask", b'{"question": "x?", "publisher": ' + SURROGATE + b"}", JSON, 422),
    ("/ask/stream", b'{"question": ' + SURROGATE + b"}", JSON, 422),
    ("/search", b'{"query": "\\udfff\\ud83d"}', JSON, 422),
    ("/search", b'{"query": "x", "source": "a\\u0000b"}', JSON, 422),
    ("/ask", b'{"question": "a\\u0000b"}', JSON, 422),
    ("/ask", b'{"question": "a\\u001bb"}', JSON, 422),
    ("/feedback", b'{"question": ' + SURROGATE + b', "answer": "x", "rating": "up"}', JSON, 422),
    ("/feedback", b'{"question": "q", "answer": "a", "rating": "up", "comment": "\\u0000"}', JSON, 422),
    ("/feedback", b'{"question": "q", "answer": "a", "rating": "up", "citations": [' + SURROGATE + b"]}", JSON, 422),
    ("/feedback", b'{"question": "q", "answer": "a", "rating": "up", "citations": [{"chunk_id": "c", "quote": '
     + SURROGATE + b"}]}", JSON, 422),
    ("/ask", '{"question": "Thanh Hóa?"}'.encode("cp1258", "replace") + b"\xff", JSON, 400),  # not UTF-8
    ("/search", b'{"query": "x", "top_k": 1' + b"0" * 5000 + b"}", JSON, 400),  # an int of 5,001 digits
    ("/search", b'{"query": "x", "top_k": 1e400}', JSON, 400),  # overflows to infinity
    ("/search", b'{"query": "x", "top_k": NaN}', JSON, 400),
    ("/ask", b'{"question": "x?", "history": ' + b"[" * 5000 + b"]" * 5000 + b"}", JSON, 400),
    ("/search", b"[" * 100_000 + b"]" * 100_000, JSON, (400, 413)),
    ("/search", b"", JSON, 422),
    ("/search", b"[]", JSON, 422),
    ("/ask", b'{"question": "x?"}', "text/plain", 415),
    ("/ask", b"question=x", "application/x-www-form-urlencoded", 415),
    ("/feedback", b'{"question": "q"}', "multipart/form-data; boundary=x", 415),
    ("/ask", b'{"question": "x?"}', None, 415),
]


@pytest.mark.parametrize("path, body, content_type, status", CASES)
def test_bad_input_is_4xx_with_a_reason(client, path, body, content_type, status):
    headers = {"content-type": content_type} if content_type else {}
    assert_refused(client.post(path, content=body, headers=headers), status)


def test_a_long_offending_value_is_echoed_as_a_short_excerpt(client):
    question = "Thanh Hóa " * 10_000
    r = client.post("/ask", json={"question": question})
    assert_refused(r, 422)
    echoed = r.json()["detail"][0]["input"]
    assert len(echoed) <= EXCERPT_CHARS + 1 and question.startswith(echoed.rstrip("…"))


def test_uploads_refuse_bad_files_and_odd_names_cleanly(client):
    bad = [
        ({"file": ("a.txt", b"")}, 422),  # empty
        ({"file": ("a.txt", b"\xff\xfe\x00\xd8" * 10)}, (201, 415)),  # a lone surrogate in UTF-16: read or refused
        ({"file": ("bang.pdf", b"%PDF-1.7 not really")}, 415),
        ({"file": ("a.exe", b"MZ\x90\x00")}, 415),
    ]
    for files, status in bad:
        r = client.post("/documents", files=files, headers=ADMIN)
        assert r.status_code in ((status,) if isinstance(status, int) else status), r.text[:200]
        assert r.json()
    # Names as a browser may send them: a lone surrogate escaped into the header, NUL, control characters.
    for name in ["\udc80.txt", "a\x00b.txt", "tài liệu\x1b.txt", "../../etc/passwd.txt", "\u202egnp.txt"]:
        header_name = name.encode("utf-8", "surrogateescape").decode("latin-1")
        r = client.post("/documents", files={"file": (header_name, "Quyết định số 1.".encode())}, headers=ADMIN)
        assert r.status_code in (201, 415, 422), (name, r.status_code, r.text[:200])
        if r.status_code == 201:
            assert "/" not in r.json()["source"] and "\x00" not in r.json()["source"]
    assert client.post("/documents", content=b"{}", headers={**ADMIN, "content-type": JSON}).status_code == 422


@pytest.mark.parametrize("doc_id", ["%ED%A0%80", "%FF%00", "a%00b", "x" * 3000])
def test_deleting_an_odd_id_is_a_short_404(client, doc_id):
    r = client.delete(f"/documents/{doc_id}", headers=ADMIN)
    assert_refused(r, 404)


# -- generated: any text in any field, Unicode edge cases mixed in ---------------------------------------------
EDGE = ["\ud800", "\udfff", "\x00", "\x1b", "\u202e", "\ufeff", "\u0301", "\U0001f600", "Thanh Hoá", "\n", " "]
texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(EDGE), max_size=8).map("".join),
    st.text(st.characters(codec="utf-16", categories=["Cs", "Cc", "Cf", "Mn", "Zs"]), max_size=20),
)
BODIES = {
    "/search": lambda t: {"query": t, "publisher": t[:50], "source": t[:50]},
    "/ask": lambda t: {"question": t, "history": [{"role": "user", "content": t}], "doc_type": t[:50]},
    "/ask/stream": lambda t: {"question": t},
    "/feedback": lambda t: {"question": t, "answer": t or "a", "rating": "up", "comment": t,
                            "citations": [t, {"chunk_id": t or "c", "quote": t}]},
}


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(BODIES))
def test_generated_text_never_gets_a_5xx(client, path):
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(text=texts)
    def check(text):
        # ensure_ascii writes lone surrogates as \\ud800 escapes: valid JSON that decodes to invalid text.
        body = json.dumps(BODIES[path](text), ensure_ascii=True).encode()
        r = client.post(path, content=body, headers={"content-type": JSON})
        assert r.status_code < 500, (r.status_code, r.text[:300])
        if r.status_code >= 400:
            assert len(r.content) <= MAX_ERROR_BYTES and r.json()["detail"]

    check()


@pytest.mark.slow
def test_generated_uploads_never_get_a_5xx(client):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(name=texts, content=st.binary(max_size=300))
    def check(name, content):
        header_name = name.encode("utf-8", "surrogatepass").decode("latin-1")
        r = client.post("/documents", files={"file": (header_name + ".txt", content)}, headers=ADMIN)
        assert r.status_code < 500, (r.status_code, r.text[:300])
        r = client.delete("/documents/x" + urllib.parse.quote(name.encode("utf-8", "surrogatepass")), headers=ADMIN)
        assert r.status_code in (200, 404), (r.status_code, r.text[:300])

    check()
