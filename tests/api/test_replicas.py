"""Two API processes over one Milvus store, as replicas behind a load balancer (a Milvus Lite server stands in
for the cluster): a document uploaded through one is found through the other without a restart, and a
delete through the other is followed by the first."""
import shutil
import time

import httpx
import pytest

from ingest.pipeline import IngestPipeline
from tests.helpers import CORPUS, start_api, stop, store_config

KEY = "test-admin-key-replicas-0123"
DOC = (
    "Quy định mới về cấp căn cước cho công dân\n\n"
    "Từ ngày 1-7-2024, công dân được cấp thẻ căn cước miễn phí lần đầu tại Công an cấp huyện."
)
QUERY = "cấp thẻ căn cước miễn phí lần đầu"


def eventually(check, seconds: float = 15):
    """check() until it returns something true; replicas look for a new version every reload_interval_s."""
    deadline = time.monotonic() + seconds
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError("the other replica did not follow within the time allowed")
        time.sleep(0.2)
    return result


def top_source(url: str) -> str | None:
    hits = httpx.post(f"{url}/search", json={"query": QUERY, "top_k": 1}, timeout=60).json()["hits"]
    return hits[0]["source"] if hits else None


@pytest.mark.slow
def test_what_one_replica_ingests_the_other_finds(milvus_server, tmp_path, embedder):
    config = store_config("milvus", tmp_path, milvus_server, prefix="replicas")
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / "003_02f4682a8e564762.txt", docs)
    IngestPipeline(config.settings(), embedder).run([docs])
    replicas = [
        start_api(config.index_dir, env={
            **config.env(), "POLICYQA_ADMIN_KEY": KEY, "POLICYQA_RELOAD_INTERVAL_S": "0.2",
            "POLICYQA_UPLOADS_DIR": str(tmp_path / f"uploads-{n}"),
        })
        for n in range(2)
    ]
    (proc_a, a), (proc_b, b) = replicas
    try:
        assert httpx.get(f"{b}/health").json()["documents"] == 1
        assert top_source(b) != "can-cuoc.txt"

        r = httpx.post(f"{a}/documents", files={"file": ("can-cuoc.txt", DOC.encode())}, headers={"X-API-Key": KEY},
                       timeout=120)
        assert r.status_code == 201 and r.json()["status"] == "added"
        eventually(lambda: top_source(b) == "can-cuoc.txt")
        assert httpx.get(f"{b}/health").json()["documents"] == 2

        r = httpx.delete(f"{b}/documents/{r.json()['doc_id']}", headers={"X-API-Key": KEY}, timeout=120)
        assert r.status_code == 200
        eventually(lambda: all(d["source"] != "can-cuoc.txt" for d in httpx.get(f"{a}/documents").json()["documents"]))
        assert top_source(a) != "can-cuoc.txt" and httpx.get(f"{a}/health").json()["documents"] == 1
    finally:
        for proc, _ in replicas:
            stop(proc)
