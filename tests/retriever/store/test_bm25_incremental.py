"""Incremental BM25 (bm25.build_incremental): the same scores as a rebuild from every passage, to the bit."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from retriever.settings import Settings
from retriever.store import bm25
from retriever.store.factory import open_store
from retriever.store.faiss import FaissWriter
from retriever.types import Chunk, Document
from tests.helpers import STORES, faiss_reader, faiss_writer, store_config

WORDS = ("ngân sách nhà nước bảo hiểm xã hội y tế thuế giá trị gia tăng đường dương Điều khoản điểm a b "
         "Thanh Hóa Hà Tĩnh UBND HĐND 58/NQ-TW 98,7% năm 2021 2020 chuyển đổi số cán bộ công chức").split()


def passages(rng: random.Random, first: int, n: int) -> list[tuple[int, str]]:
    out = []
    for i in range(n):
        k = rng.choice([0, 1, 3, 12, 40, 150])  # some empty, some long; repeats give counts above 1
        out.append((first + i, " ".join(rng.choice(WORDS) for _ in range(k))))
    return out


def columns(folder) -> dict[str, dict[int, float]]:
    """Every term's postings as {row id: stored score}, independent of how terms and passages are numbered."""
    if not len(bm25.row_ids(folder)):
        return {}
    rows = bm25.row_ids(folder)
    vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
    indptr = np.load(folder / "indptr.csc.index.npy")
    indices = np.load(folder / "indices.csc.index.npy")
    data = np.load(folder / "data.csc.index.npy")
    return {t: dict(zip(rows[indices[indptr[i]:indptr[i + 1]]].tolist(), data[indptr[i]:indptr[i + 1]].tolist()))
            for t, i in vocab.items() if t}


def assert_same_index(inc, full, queries):
    assert bm25.row_ids(inc).tolist() == bm25.row_ids(full).tolist()
    assert np.load(inc / bm25.LENGTHS).tolist() == np.load(full / bm25.LENGTHS).tolist()
    assert columns(inc) == columns(full)  # exact float equality, term by term
    a, b = bm25.LexicalIndex(inc), bm25.LexicalIndex(full)
    for q in queries:
        assert a.search(q, 10) == b.search(q, 10), q  # scores and the order of ties


QUERIES = ["bảo hiểm xã hội", "bao hiem", "đường", "duong", "Điều 5 khoản 2 điểm a", "58/NQ-TW", "năm 2021",
           "thuế giá trị gia tăng Thanh Hóa", "không có từ này", "a"]


def test_deletes_and_adds_over_several_commits_equal_a_rebuild(tmp_path):
    rng = random.Random(17)
    live = dict(passages(rng, 1, 120))
    bm25.build(tmp_path / "v0", sorted(live.items()))
    previous, next_id = tmp_path / "v0", 121
    for step in range(1, 5):
        removed = rng.sample(sorted(live), k=len(live) // 4)
        for i in removed:
            del live[i]
        added = passages(rng, next_id, rng.choice([0, 5, 60]))
        next_id += len(added)
        live.update(added)
        inc, full = tmp_path / f"v{step}", tmp_path / f"full{step}"
        files = bm25.build_incremental(previous, inc, removed + [10_000], added)  # an unknown id is ignored
        bm25.build(full, sorted(live.items()))
        assert files == sorted(p.name for p in full.iterdir())
        assert_same_index(inc, full, QUERIES)
        previous = inc


def test_a_term_whose_passages_all_go_loses_its_column(tmp_path):
    bm25.build(tmp_path / "a", [(1, "bảo hiểm"), (2, "ngân sách")])
    bm25.build_incremental(tmp_path / "a", tmp_path / "b", [2], [(3, "thuế")])
    vocab = json.loads((tmp_path / "b" / "vocab.index.json").read_text(encoding="utf-8"))
    assert "sách" not in vocab and "thuế" in vocab
    bm25.build(tmp_path / "full", [(1, "bảo hiểm"), (3, "thuế")])
    assert_same_index(tmp_path / "b", tmp_path / "full", ["ngân sách", "thuế", "bảo"])


def test_to_and_from_an_empty_index(tmp_path):
    bm25.build(tmp_path / "a", [(1, "bảo hiểm"), (2, "ngân sách")])
    assert bm25.build_incremental(tmp_path / "a", tmp_path / "empty", [1, 2], []) is not None
    assert len(bm25.LexicalIndex(tmp_path / "empty")) == 0
    bm25.build_incremental(tmp_path / "empty", tmp_path / "c", [], [(3, "bảo hiểm y tế")])
    bm25.build(tmp_path / "full", [(3, "bảo hiểm y tế")])
    assert_same_index(tmp_path / "c", tmp_path / "full", ["bảo hiểm", "y tế"])


def test_what_cannot_be_extended_asks_for_a_rebuild(tmp_path):
    bm25.build(tmp_path / "a", [(5, "bảo hiểm"), (6, "ngân sách")])
    # Added ids below a kept one would put passages out of row-id order.
    assert bm25.build_incremental(tmp_path / "a", tmp_path / "b", [], [(4, "thuế")]) is None
    # An index written before term counts were stored.
    (tmp_path / "a" / bm25.COUNTS).unlink()
    assert not bm25.reusable(tmp_path / "a")
    assert bm25.build_incremental(tmp_path / "a", tmp_path / "c", [], [(7, "thuế")]) is None


def _write(writer: FaissWriter, source: str, texts: list[str]) -> None:
    doc = Document(doc_id=source, source=source, title=f"Tiêu đề {source}", text=" ".join(texts), content_hash=source)
    chunks = [Chunk(chunk_id=f"{source}:{i}", doc_id=source, position=i, text=t, start_char=0, end_char=len(t),
                    section="Điều 1" if i else "") for i, t in enumerate(texts)]
    rng = np.random.default_rng(len(source))
    writer.upsert(doc, chunks, rng.standard_normal((len(chunks), 8)).astype(np.float32))


@pytest.mark.parametrize("incremental", [True, False])
def test_index_writer_commits_build_bm25_incrementally(tmp_path, incremental):
    settings = Settings(bm25_incremental=incremental)
    rng = random.Random(3)
    texts = {f"d{i}.txt": [t for _, t in passages(rng, 0, 3)] for i in range(8)}
    hows = []
    for step, (write, delete) in enumerate([(["d0.txt", "d1.txt", "d2.txt"], []),
                                            (["d3.txt", "d1.txt"], ["d0.txt"]),  # d1 rewritten: new row ids
                                            (["d4.txt", "d5.txt"], ["d3.txt"])]):
        with faiss_writer(tmp_path / "index", "fake", 8, settings) as w:
            for source in write:
                _write(w, source, texts[source] + [f"bước {step}"])
            for source in delete:
                w.delete(source)
            w.commit()
        reader = faiss_reader(tmp_path / "index")
        hows.append(reader.manifest["lexical"]["how"])
        version = tmp_path / "index" / "versions" / reader.version
        # The same passages rebuilt from scratch, as the reader sees them.
        import sqlite3

        db = sqlite3.connect(version / "store.sqlite")
        rows = db.execute("SELECT c.id, d.title, c.section, c.text FROM chunks c JOIN documents d"
                          " ON d.doc_id = c.doc_id ORDER BY c.id").fetchall()
        db.close()
        from retriever.text.passages import passage_with_context

        full = tmp_path / f"full{step}"
        bm25.build(full, [(i, passage_with_context(t, s, x)) for i, t, s, x in rows])
        assert_same_index(version / "bm25", full, QUERIES + ["tiêu đề d1", "bước 1"])
        assert len(reader.lexical) == reader.chunk_count
    assert hows == (["full", "incremental", "incremental"] if incremental else ["full"] * 3)


@pytest.mark.parametrize("store", STORES)
def test_each_store_searches_alike_with_incremental_and_full_builds(tmp_path, store):
    """The same writes into two stores, one building BM25 incrementally and one in full: same hits, same scores."""
    rng = random.Random(11)
    texts = {f"d{i}.txt": [t for _, t in passages(rng, 0, 3)] for i in range(6)}
    configs = {how: store_config(store, tmp_path / how) for how in ("incremental", "full")}
    stores = {how: open_store(config.settings(bm25_incremental=how == "incremental")) for how, config in configs.items()}
    for step, (write, delete) in enumerate([(["d0.txt", "d1.txt", "d2.txt"], []),
                                            (["d3.txt", "d1.txt"], ["d0.txt"]),
                                            (["d4.txt"], ["d3.txt", "d2.txt"])]):
        hits = {}
        for how in configs:
            with stores[how].open_writer("fake", 8) as w:
                for source in write:
                    _write(w, source, texts[source] + [f"bước {step}"])
                for source in delete:
                    w.delete(source)
                w.commit()
            r = stores[how].open_reader("fake")
            hits[how] = [[(h.chunk_id, h.score) for h in r.search_lexical(q, 10, 0.3)] for q in QUERIES + ["bước 1"]]
            r.close()
        assert hits["incremental"] == hits["full"], step
    if store == "milvus":  # the last commit's snapshot says how it was built
        snapshots = {how: sorted((c.index_dir / "milvus-policyqa").glob("v*"))[-1] for how, c in configs.items()}
        assert {how: json.loads((s / "manifest.json").read_text())["how"] for how, s in snapshots.items()} == {
            "incremental": "incremental", "full": "full"}
