"""The store interface (retriever/store/base.py), the same behaviour from each store: a commit is seen whole or not at
all, an update replaces every passage, a delete removes every passage, a reader keeps its version, an engine
follows commits made elsewhere without a restart."""
import numpy as np
import pytest

from retriever.engine import Engine
from retriever.errors import IndexUnavailable
from retriever.types import Chunk, Document
from tests.helpers import STORES, HashEmbedder, store_config

DIM = 8
EMBEDDER = "test-embedder"


@pytest.fixture(params=STORES)
def config(request, tmp_path):
    return store_config(request.param, tmp_path)


def doc(source: str, n: int = 2, words: str = "đoạn", publisher: str | None = None):
    d = Document(
        doc_id=source.replace("/", "_"), source=source, title=f"Tiêu đề {source}", text=f"{source} {words}",
        content_hash=f"{source}:{n}:{words}", publisher=publisher,
    )
    chunks = [
        Chunk(chunk_id=f"{d.doc_id}:{i}", doc_id=d.doc_id, position=i, text=f"{words} {source} số {i}")
        for i in range(n)
    ]
    rng = np.random.default_rng(sum(map(ord, source + words)) + n)
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    return d, chunks, v / np.linalg.norm(v, axis=1, keepdims=True)


def write(config, *docs, delete=()) -> str:
    with config.opened.open_writer(EMBEDDER, DIM) as w:
        for d in docs:
            w.upsert(*d)
        for source in delete:
            assert w.delete(source)
        return w.commit()


def reader(config):
    return config.opened.open_reader(EMBEDDER)


def passages(r, source: str) -> list[str]:
    doc_id = next((d.doc_id for d in r.documents() if d.source == source), None)
    return r.chunk_texts(doc_id) if doc_id else []


def test_commit_then_read(config):
    assert config.opened.live_version() is None
    a, b = doc("a.txt"), doc("b.txt", 3)
    version = write(config, a, b)
    r = reader(config)
    assert r.version == version == config.opened.live_version()
    assert r.document_count == 2 and r.chunk_count == 5
    hit = r.search(b[2][1], 1)[0]
    assert hit.chunk_id == b[1][1].chunk_id and hit.source == "b.txt" and hit.title == "Tiêu đề b.txt"
    assert hit.score == pytest.approx(1.0, abs=1e-5) and hit.dense_score == hit.score
    assert np.allclose(r.vectors([hit.row_id]), b[2][1:2], atol=1e-6)
    assert passages(r, "b.txt") == [c.text for c in b[1]]
    assert r.search_lexical("b.txt", 10, 0.3)[0].source == "b.txt"


def test_update_replaces_every_passage_and_delete_removes_every_passage(config):
    write(config, doc("a.txt", 3, "cũ"), doc("b.txt"))
    before = reader(config)
    write(config, doc("a.txt", 2, "mới"))
    after = reader(config)
    assert passages(after, "a.txt") == ["mới a.txt số 0", "mới a.txt số 1"]
    assert after.chunk_count == 4
    texts = {h.text for h in after.search_lexical("cũ mới a.txt", 50, 0.3) if h.source == "a.txt"}
    assert texts and all(t.startswith("mới") for t in texts)
    # A reader opened before the update keeps the whole earlier version.
    assert passages(before, "a.txt") == ["cũ a.txt số 0", "cũ a.txt số 1", "cũ a.txt số 2"]
    assert {h.text for h in before.search(doc("a.txt", 3, "cũ")[2][2], 1)} == {"cũ a.txt số 2"}

    write(config, delete=["a.txt"])
    gone = reader(config)
    assert [d.source for d in gone.documents()] == ["b.txt"] and gone.chunk_count == 2
    assert passages(gone, "a.txt") == []
    assert {h.source for h in gone.search_lexical("a.txt mới", 10, 0.3)} == {"b.txt"}
    assert {h.source for h in gone.search(doc("a.txt", 2, "mới")[2][0], 10)} == {"b.txt"}


def test_leaving_without_commit_changes_nothing(config):
    first = write(config, doc("a.txt"))
    with pytest.raises(RuntimeError):
        with config.opened.open_writer(EMBEDDER, DIM) as w:
            w.upsert(*doc("b.txt"))
            w.delete("a.txt")
            raise RuntimeError("stopped")
    r = reader(config)
    assert r.version == first and [d.source for d in r.documents()] == ["a.txt"] and r.chunk_count == 2
    # The next writer starts from the committed version, not from the abandoned one.
    with config.opened.open_writer(EMBEDDER, DIM) as w:
        assert w.sources() == ["a.txt"]


def test_a_source_written_twice_in_one_transaction_keeps_the_last(config):
    with config.opened.open_writer(EMBEDDER, DIM) as w:
        w.upsert(*doc("a.txt", 3, "một"))
        w.upsert(*doc("a.txt", 1, "hai"))
        assert w.content_hash("a.txt") == "a.txt:1:hai"
        w.commit()
    r = reader(config)
    assert r.chunk_count == 1 and passages(r, "a.txt") == ["hai a.txt số 0"]


def test_another_embedder_is_refused(config):
    write(config, doc("a.txt"))
    with pytest.raises(IndexUnavailable, match=EMBEDDER):
        config.opened.open_reader("other-embedder")
    with pytest.raises(IndexUnavailable, match=EMBEDDER):
        with config.opened.open_writer("other-embedder", DIM):
            pass


def test_one_writer_at_a_time(config):
    with config.opened.open_writer(EMBEDDER, DIM):
        with pytest.raises(IndexUnavailable, match="another ingest"):
            with config.opened.open_writer(EMBEDDER, DIM):
                pass


def test_an_engine_follows_commits_made_elsewhere(config):
    write(config, doc("a.txt"))
    embedder = HashEmbedder(DIM)
    embedder.name = EMBEDDER
    engine = Engine(config.settings(reload_interval_s=0), embedder=embedder)
    assert engine.document_count == 1
    write(config, doc("b.txt", 3))  # another writer: an ingest job, another API replica
    assert engine.document_count == 2 and engine.chunk_count == 5
    write(config, delete=["a.txt"])
    assert [d.source for d in engine.documents()] == ["b.txt"]
