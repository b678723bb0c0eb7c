"""An ingest killed with SIGKILL leaves the previous index intact and servable; the next ingest completes."""
import os
import shutil
import signal
import subprocess
import sys
import time

import httpx
import pytest

from retriever.store.faiss import current_version
from tests.helpers import CORPUS, REPO, faiss_reader, start_api, stop


def ingest_cmd(folder, index):
    return [sys.executable, "-m", "ingest", str(folder), "--index", str(index), "--quiet"]


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_s", [0.5, 3.0])  # while starting up / reading, and while embedding
def test_sigkill_mid_ingest_keeps_the_last_good_index(tmp_path, kill_after_s):
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(CORPUS / "003_02f4682a8e564762.txt", first)
    index = tmp_path / "index"
    subprocess.run(ingest_cmd(first, index), cwd=REPO, check=True, capture_output=True)
    good = current_version(index)

    # A bigger second batch, so that the kill lands while it works.
    more = tmp_path / "more"
    more.mkdir()
    for i in range(12):
        for src in CORPUS.glob("*.txt"):
            (more / f"{i:02d}-{src.name}").write_text(src.read_text(encoding="utf-8") + f"\n\nBản sao {i}.", encoding="utf-8")
    proc = subprocess.Popen(ingest_cmd(more, index), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after_s)
    assert proc.poll() is None, "ingest finished before it could be killed; make the batch bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert current_version(index) == good
    assert [d.source for d in faiss_reader(index).documents()] == ["003_02f4682a8e564762.txt"]
    api, url = start_api(index)
    try:
        body = httpx.post(f"{url}/ask", json={"question": "Hà Tĩnh cần triển khai bao nhiêu biện pháp bảo đảm an toàn thông tin?"}, timeout=60).json()
        assert body["found"] and "30" in body["answer"]
    finally:
        stop(api)

    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(CORPUS / "000_26c842c1430eb98e.txt", small)
    done = subprocess.run(ingest_cmd(small, index), cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert current_version(index) != good
    assert faiss_reader(index).document_count == 2
    assert not list((index / "versions").glob(".staging-*"))
