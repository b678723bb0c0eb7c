from ingest.chunking import chunk_text

TEXT = (
    "Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh, thành phố. Từ năm 2021, TP. Sầm Sơn đã hoàn tất việc xây dựng đô thị "
    "thông minh.\n\nTỷ lệ ký số cá nhân đạt 98,7%. Tỷ lệ ký số cơ quan đạt 99%.\n\n"
    + " ".join(f"Câu thứ {i} nói về chuyển đổi số của tỉnh." for i in range(40))
)


def test_chunks_cover_text_with_exact_offsets():
    chunks = chunk_text("d", TEXT, size=300, overlap=60)
    assert len(chunks) > 3
    for i, c in enumerate(chunks):
        assert c.position == i and c.chunk_id == f"d:{i}" and c.doc_id == "d"
        assert TEXT[c.start_char : c.end_char] == c.text
        assert len(c.text) <= 300
    assert chunks[0].start_char == 0 and chunks[-1].end_char == len(TEXT)


def test_chunks_end_on_sentence_boundaries():
    for c in chunk_text("d", TEXT, size=300, overlap=60):
        assert c.text.endswith((".", "%.")), c.text[-30:]
        assert "TP.\n" not in c.text  # the abbreviation did not end a sentence


def test_consecutive_chunks_overlap_by_whole_sentences():
    chunks = chunk_text("d", TEXT, size=300, overlap=60)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start_char <= a.end_char  # no gap
        assert a.end_char - b.start_char <= 60


def test_overlong_sentence_is_split_on_words():
    long = "Danh sách " + ", ".join(f"đơn vị số {i}" for i in range(200)) + "."
    chunks = chunk_text("d", long, size=200, overlap=0)
    assert len(chunks) > 5 and all(len(c.text) <= 200 for c in chunks)
    assert all(long[c.start_char : c.end_char] == c.text for c in chunks)
