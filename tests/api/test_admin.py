"""Uploads and deletes over HTTP, the admin key, and a running API following the index."""
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from ingest.pipeline import IngestPipeline
from retriever.settings import Settings
from tests.helpers import CORPUS, REPO, start_api, stop

KEY = "test-admin-key-0123456789"
DOC = "Quy định mới về cấp căn cước cho công dân\n\nTừ ngày 1-7-2024, công dân được cấp thẻ căn cước miễn phí lần đầu tại Công an cấp huyện."


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, embedder):
    index = tmp_path_factory.mktemp("admin-index")
    docs = tmp_path_factory.mktemp("admin-docs")
    shutil.copy(CORPUS / "003_02f4682a8e564762.txt", docs)
    IngestPipeline(Settings(index_dir=index), embedder).run([docs], index)
    return index


@pytest.fixture(scope="module")
def admin_api(small_index, tmp_path_factory):
    uploads = tmp_path_factory.mktemp("uploads")
    proc, url = start_api(
        small_index,
        env={"POLICYQA_ADMIN_KEY": KEY, "POLICYQA_UPLOADS_DIR": str(uploads), "POLICYQA_MAX_UPLOAD_BYTES": "100000"},
    )
    yield url, uploads, small_index
    stop(proc)


def upload(url, name, data, key=KEY):
    headers = {"X-API-Key": key} if key else {}
    return httpx.post(f"{url}/documents", files={"file": (name, data)}, headers=headers, timeout=120)


def test_write_endpoints_need_the_key(admin_api):
    url, *_ = admin_api
    assert upload(url, "a.txt", DOC.encode(), key=None).status_code == 401
    assert upload(url, "a.txt", DOC.encode(), key="sai").status_code == 401
    assert httpx.delete(f"{url}/documents/abc", headers={"X-API-Key": "sai"}).status_code == 401


def test_write_endpoints_are_off_without_a_configured_key(api_url):
    r = upload(api_url, "a.txt", DOC.encode())
    assert r.status_code == 403 and r.json()["detail"]


@pytest.mark.slow
def test_upload_is_searchable_then_delete_removes_it(admin_api):
    url, uploads, _ = admin_api
    r = upload(url, "../../../tmp/căn cước.txt", DOC.encode("utf-8"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "added" and body["source"] == "căn cước.txt"
    assert (uploads / "căn cước.txt").exists()  # path traversal neutralized: stored inside uploads/

    hits = httpx.post(f"{url}/search", json={"query": "cấp thẻ căn cước miễn phí", "top_k": 1}).json()["hits"]
    assert hits[0]["doc_id"] == body["doc_id"]

    assert upload(url, "căn cước.txt", DOC.encode("utf-8")).json()["status"] == "unchanged"

    d = httpx.delete(f"{url}/documents/{body['doc_id']}", headers={"X-API-Key": KEY}, timeout=60)
    assert d.status_code == 200 and d.json()["deleted"] is True
    sources = [x["source"] for x in httpx.get(f"{url}/documents").json()["documents"]]
    assert "căn cước.txt" not in sources
    hits = httpx.post(f"{url}/search", json={"query": "cấp thẻ căn cước miễn phí", "top_k": 5}).json()["hits"]
    assert all(h["doc_id"] != body["doc_id"] for h in hits)
    assert httpx.delete(f"{url}/documents/{body['doc_id']}", headers={"X-API-Key": KEY}).status_code == 404


def test_upload_limits_and_content_checks(admin_api):
    url, *_ = admin_api
    assert upload(url, "big.txt", b"a" * 100_001).status_code == 413
    assert upload(url, "empty.txt", b"").status_code == 422
    bad = upload(url, "looks-like-text.txt", bytes(range(256)) * 10)
    assert bad.status_code == 415 and bad.json()["detail"]


@pytest.mark.slow
def test_running_api_serves_a_newly_committed_index(admin_api, tmp_path):
    url, _, index = admin_api
    before = httpx.get(f"{url}/health").json()["documents"]
    docs = tmp_path / "more"
    docs.mkdir()
    (docs / "dich-vu-cong.txt").write_text(
        "Dịch vụ công trực tuyến toàn trình\n\nNgười dân nộp hồ sơ đăng ký khai sinh qua Cổng dịch vụ công quốc gia.",
        encoding="utf-8",
    )
    r = subprocess.run(
        [sys.executable, "-m", "ingest", str(docs), "--index", str(index)],
        cwd=REPO, capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and httpx.get(f"{url}/health").json()["documents"] == before:
        time.sleep(0.3)
    assert httpx.get(f"{url}/health").json()["documents"] == before + 1
    hits = httpx.post(f"{url}/search", json={"query": "đăng ký khai sinh trực tuyến", "top_k": 1}).json()["hits"]
    assert hits[0]["source"] == "dich-vu-cong.txt"

