"""What only the Milvus store does: filters as Milvus expressions, versions kept in the rows (a writer that dies
mid-commit is undone by the next one; removed rows are purged later), BM25 snapshots in the shared folder."""
import shutil
import subprocess
import sys

import pytest

from retriever.errors import IndexUnavailable
from retriever.filters import Filters
from retriever.store.factory import open_store
from retriever.store.milvus import Collections, filter_expression, folders, lexical_root, string_literal
from tests.helpers import REPO, store_config
from tests.retriever.store.test_both_stores import DIM, EMBEDDER, doc, passages, write


@pytest.fixture
def config(tmp_path):
    return store_config("milvus", tmp_path)


def count(config, collection: str) -> int:
    client = config.opened.connection.client(create=False)
    name = getattr(Collections(config.prefix), collection)
    return client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"]


@pytest.mark.parametrize("value, literal", [
    ('Báo "Nhân dân"', '"Báo \\"Nhân dân\\""'),
    ("a\\b", '"a\\\\b"'),
    ('\\"', '"\\\\\\""'),
    ("hai\ndòng\r", '"hai\\ndòng\\r"'),
    ("l'an", '"l\'an"'),
])
def test_string_literals_escape_what_would_end_them(value, literal):
    assert string_literal(value) == literal


def test_filter_expression_follows_the_filter_rules():
    assert filter_expression(Filters(doc_type="Nghị Định")) == 'doc_type_key == "nghị định"'
    assert filter_expression(Filters(source="luat/")) == 'array_contains(folders, "luat/")'
    assert filter_expression(Filters(year_to=2020)) == "year != 0 and year <= 2020"
    assert folders("a/b/c.txt") == ["a/", "a/b/"] and folders("c.txt") == []


def test_filters_run_inside_milvus_with_any_value(config):
    odd = 'Báo "Nhân dân" \\ số 1'
    write(config, doc("luat/a.txt", publisher=odd), doc("luat_b/c.txt", publisher="Khác"), doc("tin/b.txt"))
    r = config.opened.open_reader(EMBEDDER)
    query_vector = doc("tin/b.txt")[2][0]
    view = r.restricted(Filters(publisher=odd.upper()))
    assert {h.source for h in view.search(query_vector, 10)} == {"luat/a.txt"}
    assert {h.source for h in view.search_lexical("luat tin đoạn", 10, 0.3)} == {"luat/a.txt"}
    assert [d.source for d in view.documents()] == ["luat/a.txt"] and view.chunk_count == 2
    # "_" is no wildcard: luat_b/ is another folder than luat/.
    folder = r.restricted(Filters(source="luat/"))
    assert {h.source for h in folder.search_lexical("đoạn", 10, 0.3)} == {"luat/a.txt"}
    assert r.restricted(Filters(source='" or source != "')).search(query_vector, 10) == []
    assert r.restricted(Filters(year_from=1990)).search(query_vector, 10) == []  # no dates: no year matches
    assert {h.source for h in r.search(query_vector, 10)} == {"luat/a.txt", "luat_b/c.txt", "tin/b.txt"}


def test_a_writer_that_dies_mid_commit_is_undone_by_the_next(config):
    first = write(config, doc("a.txt", 3, "cũ"), doc("b.txt"))
    writer = config.opened.open_writer(EMBEDDER, DIM).__enter__()
    writer.upsert(*doc("a.txt", 2, "mới"))
    writer.upsert(*doc("c.txt"))
    writer._mark_removed()  # the old a.txt marked, then the process is killed: no commit, no clean-up
    writer._lock.release()

    r = config.opened.open_reader(EMBEDDER)
    assert r.version == first and passages(r, "a.txt") == ["cũ a.txt số 0", "cũ a.txt số 1", "cũ a.txt số 2"]
    assert {h.source for h in r.search(doc("c.txt")[2][0], 10)} == {"a.txt", "b.txt"}

    with config.opened.open_writer(EMBEDDER, DIM) as w:
        assert w.sources() == ["a.txt", "b.txt"] and w.content_hash("a.txt") == "a.txt:3:cũ"
    assert count(config, "chunks") == 5 and count(config, "documents") == 2
    write(config, doc("c.txt"))
    assert passages(config.opened.open_reader(EMBEDDER), "a.txt") == [f"cũ a.txt số {i}" for i in range(3)]


def test_removed_rows_stay_one_version_then_go(config):
    write(config, doc("a.txt", 3), doc("b.txt"))
    write(config, delete=["a.txt"])
    assert count(config, "chunks") == 5  # the previous version still holds a.txt for replicas not yet reloaded
    write(config, doc("c.txt"))
    assert count(config, "chunks") == 4 and count(config, "documents") == 2
    root = lexical_root(config.settings(), config.index_dir)
    snapshots = sorted(p.name for p in root.iterdir() if p.name.startswith("v"))
    assert snapshots == ["v000000000002", "v000000000003"]


def test_a_replica_without_the_shared_folder_is_told_so(config):
    write(config, doc("a.txt"))
    shutil.rmtree(lexical_root(config.settings(), config.index_dir))
    with pytest.raises(IndexUnavailable, match="share one index folder"):
        config.opened.open_reader(EMBEDDER)


def test_no_store_yet(config):
    assert config.opened.live_version() is None
    with pytest.raises(IndexUnavailable, match="python -m ingest"):
        config.opened.open_reader(EMBEDDER)


@pytest.mark.slow
def test_a_lite_file_open_in_another_process_points_to_the_server(config):
    write(config, doc("a.txt"))  # this process now holds the Lite file
    code = (
        "from retriever.store.factory import open_store; from retriever.settings import Settings\n"
        f"settings = Settings(store='milvus', milvus_uri={config.milvus_uri!r}, index_dir={str(config.index_dir)!r})\n"
        "open_store(settings).open_reader(None)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "milvus-lite server --data-dir" in result.stderr


@pytest.mark.slow
def test_a_store_written_by_another_process_opens_here(config):
    """A new process finds the collections released (Milvus Lite, or a restarted server) and loads them."""
    code = (
        "from pathlib import Path\nfrom tests.helpers import StoreConfig\n"
        "from tests.retriever.store.test_both_stores import doc, write\n"
        f"write(StoreConfig('milvus', Path({str(config.index_dir)!r}), {config.milvus_uri!r}), doc('a.txt', 3))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=120)
    assert config.opened.live_version() == "v000000000001"
    r = config.opened.open_reader(EMBEDDER)
    assert r.chunk_count == 3 and passages(r, "a.txt")[0] == "đoạn a.txt số 0"


def test_an_hnsw_store_finds_what_the_exact_one_finds(config):
    settings = config.settings(milvus_index="HNSW", ef_search=8)
    docs = [doc(f"{n}.txt") for n in range(12)]
    store = open_store(settings)
    with store.open_writer(EMBEDDER, DIM) as w:
        for d in docs:
            w.upsert(*d)
        w.commit()
    r = store.open_reader(EMBEDDER)
    hits = r.search(docs[5][2][1], 20)  # more hits than ef_search: the candidate list grows to the hits asked for
    assert len(hits) == 20 and hits[0].chunk_id == docs[5][1][1].chunk_id
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
