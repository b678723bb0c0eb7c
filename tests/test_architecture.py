"""The direction of dependencies of ../shared/DESIGN.md, checked by import-linter's contracts in pyproject.toml:
ui imports no project package, api and ingest may import retriever, retriever imports none of them, and no
import cycles inside retriever."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGES = ("retriever", "ingest", "api", "evals", "bench", "ui")


def lint_imports(repo: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=300)


def test_the_import_layers_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, added, contract", [
    ("retriever/types.py", "import ingest.pipeline", "retriever is the core library"),
    ("ui/catalog.py", "import retriever.types", "ui knows the API only through HTTP"),
    ("ingest/chunking.py", "import api.schemas", "ingest writes through retriever"),
    # text is below store (store/bm25.py tokenizes with text/tokens.py): an import back up is a cycle.
    ("retriever/text/normalize.py", "import retriever.store.bm25", "No import cycles"),
])
def test_a_deliberate_violation_breaks_its_contract(tmp_path, module, added, contract):
    copy = tmp_path / "repo"
    for package in PACKAGES:
        shutil.copytree(REPO / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    with open(copy / module, "a", encoding="utf-8") as f:
        f.write(f"\n{added}  # deliberate violation\n")
    result = lint_imports(copy)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken) or contract in result.stdout.split("Broken contracts")[-1]


def test_no_package_can_unpickle():
    """An index folder or a result file must never be able to run code: no pickle, no np.load that allows it."""
    unsafe = ("import pickle", "from pickle", "import dill", "joblib", "torch.load(", "allow_pickle=True")
    found = [
        f"{path.relative_to(REPO)}: {needle}"
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        for needle in unsafe
        if needle in path.read_text(encoding="utf-8")
    ]
    assert found == []
