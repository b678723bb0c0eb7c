"""BM25 beside the vectors: built at every commit from the same chunks, checksummed, no pickle, memory-mapped."""
import json
import random

import bm25s
import numpy as np
import pytest

from retriever.errors import IndexUnavailable
from retriever.store import bm25
from retriever.text.normalize import fold
from retriever.types import Chunk, Document
from tests.helpers import faiss_reader, faiss_writer

DIM = 8


def build(tmp_path, texts: list[str]) -> bm25.LexicalIndex:
    bm25.build(tmp_path, list(enumerate(texts, start=100)))
    return bm25.LexicalIndex(tmp_path)


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


def test_one_passage(tmp_path):
    index = build(tmp_path, ["Ngân sách nhà nước"])
    assert [i for i, _ in index.search("ngan sach", 5)] == [100]
    assert index.search("bảo hiểm", 5) == []


@pytest.mark.parametrize("texts", [[""], ["!!! ..."], ["", "Bảo hiểm xã hội", "?"]])
def test_passages_without_terms(tmp_path, texts):
    # bm25s.BM25.index fails on a corpus without a single term; the streamed build just indexes nothing.
    index = build(tmp_path, texts)
    assert len(index) == len(texts)
    assert [i for i, _ in index.search("bảo hiểm", 5)] == ([101] if len(texts) == 3 else [])


_WORDS = ("Ủy ban nhân dân tỉnh Thanh Hóa quyết định về việc ban hành quy chế quản lý ngân sách nhà nước bảo hiểm"
          " xã hội y tế đường dương điều khoản điểm a b 12/63 năm 2021 không được phép thủy lợi hoá khỏe UBND HĐND"
          " thuế thu nhập cá nhân doanh nghiệp hợp đồng lao động").split()


def _varied_passages(n: int) -> list[str]:
    """Passages from one small vocabulary, so that terms recur across passages with every document frequency:
    accented and unaccented spellings, repeats within a passage, punctuation, near-empty and empty passages."""
    rng = random.Random(8)
    out = ["", "…", "a", "Điều", "điều điều điều điều Điều ĐIỀU dieu"]
    while len(out) < n:
        words = rng.choices(_WORDS, k=rng.choice([1, 2, 5, 20, 60, 150]))
        text = " ".join(w if rng.random() > 0.3 else fold(w) for w in words)
        out.append(text.replace(" ", ", ", rng.randrange(3)))
    return out


def _bm25s_index(folder, rows: list[tuple[int, str]]) -> bm25.LexicalIndex:
    """The index as bm25s builds it from every passage's terms held in memory (the build before streaming)."""
    folder.mkdir()
    model = bm25s.BM25(k1=bm25.K1, b=bm25.B)
    model.index([bm25.document_terms(text) for _, text in rows], show_progress=False)
    model.save(folder, show_progress=False)
    np.save(folder / bm25.ROW_IDS, np.array([row_id for row_id, _ in rows], dtype=np.int64))
    (folder / bm25.META).write_text(json.dumps({"tokenizer": bm25.tokenizer_id()}))
    return bm25.LexicalIndex(folder)


@pytest.mark.parametrize("chunk", [None, 97])  # 97 pairs: many small chunks, each ending inside the next passage
def test_streamed_build_scores_like_bm25s(tmp_path, monkeypatch, chunk):
    if chunk:
        monkeypatch.setattr(bm25._Postings, "CHUNK", chunk)
    rows = list(enumerate(_varied_passages(300), start=7))
    bm25.build(tmp_path / "streamed", iter(rows))
    streamed = bm25.LexicalIndex(tmp_path / "streamed")
    reference = _bm25s_index(tmp_path / "bm25s", rows)
    ours, theirs = streamed._model, reference._model
    assert set(ours.vocab_dict) == set(theirs.vocab_dict)
    assert ours.scores["num_docs"] == theirs.scores["num_docs"] == len(rows)
    for name in ("data", "indices", "indptr"):
        assert ours.scores[name].dtype == theirs.scores[name].dtype
    # Term ids differ (bm25s numbers them in set order); each term's postings must not.
    for term, i in ours.vocab_dict.items():
        j = theirs.vocab_dict[term]
        if term == "":
            assert i == len(ours.scores["indptr"]) - 1 and j == len(theirs.scores["indptr"]) - 1
            continue
        a, b = slice(*ours.scores["indptr"][i : i + 2]), slice(*theirs.scores["indptr"][j : j + 2])
        np.testing.assert_array_equal(ours.scores["indices"][a], theirs.scores["indices"][b])
        np.testing.assert_allclose(ours.scores["data"][a], theirs.scores["data"][b], rtol=1e-6)
    queries = [text[:80] for _, text in rows[::7]] + ["thanh hoa", "Thanh Hóa", "điểm a khoản 2", "không có gì"]
    for query in queries:
        for terms in bm25.query_terms(query):
            if ours.get_tokens_ids(terms):
                assert np.allclose(ours.get_scores(terms), theirs.get_scores(terms), rtol=1e-6, atol=0)
        hits, expected = streamed.search(query, 10), reference.search(query, 10)
        assert [i for i, _ in hits] == [i for i, _ in expected]
        assert [s for _, s in hits] == pytest.approx([s for _, s in expected], rel=1e-6)


def _doc(source: str, text: str):
    d = Document(doc_id=source, source=source, title=source, text=text, content_hash=text)
    chunks = [Chunk(chunk_id=f"{source}:0", doc_id=source, position=0, text=text)]
    v = np.random.default_rng(len(text)).normal(size=(1, DIM)).astype(np.float32)
    return d, chunks, v / np.linalg.norm(v)


def _commit(index_dir, *docs, delete=()):
    with faiss_writer(index_dir, "test-embedder", DIM) as w:
        for d in docs:
            w.upsert(*_doc(*d))
        for s in delete:
            w.delete(s)
        return w.commit()


def test_every_commit_keeps_bm25_consistent_with_the_chunks(tmp_path):
    _commit(tmp_path, ("a.txt", "ngân sách nhà nước"), ("b.txt", "bảo hiểm xã hội"))
    assert [h.source for h in faiss_reader(tmp_path).search_lexical("bảo hiểm", 5, 0.3)] == ["b.txt"]
    _commit(tmp_path, ("c.txt", "bảo hiểm y tế"), delete=["b.txt"])
    reader = faiss_reader(tmp_path)
    assert [h.source for h in reader.search_lexical("bảo hiểm", 5, 0.3)] == ["c.txt"]
    assert len(reader.lexical) == reader.chunk_count == 2


def test_bm25_files_are_checksummed(tmp_path):
    name = _commit(tmp_path, ("a.txt", "ngân sách nhà nước"))
    version = tmp_path / "versions" / name
    manifest = json.loads((version / "manifest.json").read_text())
    assert {"bm25/vocab.index.json", "bm25/rowids.npy", "bm25/data.csc.index.npy"} <= set(manifest["sha256"])
    assert manifest["lexical"]["tokenizer"] == bm25.tokenizer_id()
    vocab = version / "bm25" / "vocab.index.json"
    vocab.write_text(vocab.read_text().replace("ng", "nh"))
    with pytest.raises(IndexUnavailable, match="corrupt"):
        faiss_reader(tmp_path)


def test_an_index_of_the_previous_format_is_upgraded_by_the_next_ingest(tmp_path):
    name = _commit(tmp_path, ("a.txt", "ngân sách nhà nước"))
    version = tmp_path / "versions" / name
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["format"] = 1
    manifest.pop("lexical")
    manifest["sha256"] = {k: v for k, v in manifest["sha256"].items() if not k.startswith("bm25/")}
    (version / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match="format 1"):
        faiss_reader(tmp_path)
    with faiss_writer(tmp_path, "test-embedder", DIM) as w:
        assert w.changed  # nothing to ingest, but the commit rebuilds BM25 in the current format
        w.commit()
    assert [h.source for h in faiss_reader(tmp_path).search_lexical("ngân sách", 5, 0.3)] == ["a.txt"]
