"""BM25 beside the vectors: built at every commit from the same chunks, checksummed, no pickle, memory-mapped."""
import json

import numpy as np
import pytest

from retriever import lexical
from retriever.index import IndexReader, IndexUnavailable, IndexWriter
from retriever.types import Chunk, Document

DIM = 8


def build(tmp_path, texts: list[str]) -> lexical.LexicalIndex:
    lexical.build(tmp_path, list(enumerate(texts, start=100)))
    return lexical.LexicalIndex(tmp_path)


def test_accented_query_prefers_exact_accents(tmp_path):
    index = build(tmp_path, ["Sửa chữa đường phố", "Trồng cây dương liễu"])
    hits = index.search("đường", 2)
    assert hits[0][0] == 100
    # The folded terms still let the other spelling count, with a lower weight.
    assert [i for i, _ in hits] == [100, 101] and hits[0][1] > hits[1][1]


def test_unaccented_query_finds_accented_text(tmp_path):
    index = build(tmp_path, ["Thanh Hóa xếp thứ 12/63 năm 2021", "Hà Tĩnh xếp thứ 57"])
    accented = index.search("Thanh Hóa xếp thứ mấy năm 2021", 1)
    folded = index.search("thanh hoa xep thu may nam 2021", 1)
    assert accented[0][0] == folded[0][0] == 100


def test_numbers_and_one_letter_points_are_searchable(tmp_path):
    index = build(tmp_path, ["điểm a khoản 2 Điều 5", "điểm b khoản 3 Điều 6"])
    assert index.search("khoản 2 điểm a", 1)[0][0] == 100
    assert index.search("khoản 3", 1)[0][0] == 101


def test_files_need_no_pickle_and_load_memory_mapped(tmp_path):
    index = build(tmp_path, ["một văn bản", "văn bản khác"])
    assert not list(tmp_path.glob("*.pkl")) and not list(tmp_path.glob("*.pickle"))
    for npy in tmp_path.glob("*.npy"):
        np.load(npy, allow_pickle=False)
    assert isinstance(index._row_ids, np.memmap)
    assert isinstance(index._model.scores["data"], np.memmap)


def test_empty_corpus(tmp_path):
    index = build(tmp_path, [])
    assert len(index) == 0 and index.search("bất kỳ", 5) == []


def _doc(source: str, text: str):
    d = Document(doc_id=source, source=source, title=source, text=text, content_hash=text)
    chunks = [Chunk(chunk_id=f"{source}:0", doc_id=source, position=0, text=text)]
    v = np.random.default_rng(len(text)).normal(size=(1, DIM)).astype(np.float32)
    return d, chunks, v / np.linalg.norm(v)


def _commit(index_dir, *docs, delete=()):
    with IndexWriter(index_dir, "test-embedder", DIM) as w:
        for d in docs:
            w.upsert(*_doc(*d))
        for s in delete:
            w.delete(s)
        return w.commit()


def test_every_commit_keeps_bm25_consistent_with_the_chunks(tmp_path):
    _commit(tmp_path, ("a.txt", "ngân sách nhà nước"), ("b.txt", "bảo hiểm xã hội"))
    assert [h.source for h in IndexReader(tmp_path).search_lexical("bảo hiểm", 5, 0.3)] == ["b.txt"]
    _commit(tmp_path, ("c.txt", "bảo hiểm y tế"), delete=["b.txt"])
    reader = IndexReader(tmp_path)
    assert [h.source for h in reader.search_lexical("bảo hiểm", 5, 0.3)] == ["c.txt"]
    assert len(reader.lexical) == reader.chunk_count == 2


def test_bm25_files_are_checksummed(tmp_path):
    name = _commit(tmp_path, ("a.txt", "ngân sách nhà nước"))
    version = tmp_path / "versions" / name
    manifest = json.loads((version / "manifest.json").read_text())
    assert {"bm25/vocab.index.json", "bm25/rowids.npy", "bm25/data.csc.index.npy"} <= set(manifest["sha256"])
    assert manifest["lexical"]["tokenizer"] == lexical.TOKENIZER
    vocab = version / "bm25" / "vocab.index.json"
    vocab.write_text(vocab.read_text().replace("ng", "nh"))
    with pytest.raises(IndexUnavailable, match="corrupt"):
        IndexReader(tmp_path)


def test_an_index_of_the_previous_format_is_upgraded_by_the_next_ingest(tmp_path):
    name = _commit(tmp_path, ("a.txt", "ngân sách nhà nước"))
    version = tmp_path / "versions" / name
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["format"] = 1
    manifest.pop("lexical")
    manifest["sha256"] = {k: v for k, v in manifest["sha256"].items() if not k.startswith("bm25/")}
    (version / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match="format 1"):
        IndexReader(tmp_path)
    with IndexWriter(tmp_path, "test-embedder", DIM) as w:
        assert w.changed  # nothing to ingest, but the commit rebuilds BM25 in the current format
        w.commit()
    assert [h.source for h in IndexReader(tmp_path).search_lexical("ngân sách", 5, 0.3)] == ["a.txt"]
