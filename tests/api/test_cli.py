"""`python -m api` as a user runs it."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_api_refuses_to_start_without_an_index(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "api", "--index", str(tmp_path / "none"), "--port", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert r.returncode != 0 and "python -m ingest" in r.stderr
