"""Structure-aware chunking of legal and policy text: section paths, one article per passage, clause splits."""
from ingest.chunking import chunk_text
from retriever.text.passages import passage_with_context

LAW = """LUẬT AN NINH MẠNG

Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;

Chương I

NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh

Luật này quy định về hoạt động bảo vệ an ninh quốc gia trên không gian mạng.

Điều 2. Giải thích từ ngữ

Trong Luật này, các từ ngữ dưới đây được hiểu như sau:

1. An ninh mạng là sự bảo đảm hoạt động trên không gian mạng không gây phương hại đến an ninh quốc gia.

2. Bảo vệ an ninh mạng là phòng ngừa, phát hiện, ngăn chặn, xử lý hành vi xâm phạm an ninh mạng.

3. Không gian mạng là mạng lưới kết nối của cơ sở hạ tầng công nghệ thông tin, bao gồm:

a) Mạng viễn thông, mạng Internet, mạng máy tính và hệ thống thông tin của các cơ quan nhà nước;

b) Hệ thống xử lý và điều khiển thông tin, cơ sở dữ liệu quốc gia về dân cư và đất đai.

Chương II

BẢO VỆ AN NINH MẠNG

Mục 1. HỆ THỐNG THÔNG TIN QUAN TRỌNG

Điều 10. Hệ thống thông tin quan trọng về an ninh quốc gia

Hệ thống thông tin quân sự, an ninh, ngoại giao, cơ yếu. Điều 5 của Luật này không áp dụng."""


def by_text(chunks, start: str):
    return next(c for c in chunks if c.text.startswith(start))


def test_headings_become_the_section_path():
    chunks = chunk_text("d", LAW, size=900, overlap=0)
    assert by_text(chunks, "Điều 1.").section == "Chương I. NHỮNG QUY ĐỊNH CHUNG > Điều 1. Phạm vi điều chỉnh"
    assert by_text(chunks, "Điều 10.").section == (
        "Chương II. BẢO VỆ AN NINH MẠNG > Mục 1. HỆ THỐNG THÔNG TIN QUAN TRỌNG > "
        "Điều 10. Hệ thống thông tin quan trọng về an ninh quốc gia"
    )
    assert by_text(chunks, "LUẬT AN NINH MẠNG").section == ""


def test_a_part_named_in_words_takes_its_name_from_the_next_line():
    text = "PHẦN THỨ NHẤT\n\nNHỮNG QUY ĐỊNH CHUNG\n\nĐiều 1. Phạm vi\n\nNội dung."
    assert chunk_text("d", text, 900, 0)[0].section == "PHẦN THỨ NHẤT. NHỮNG QUY ĐỊNH CHUNG > Điều 1. Phạm vi"


def test_a_passage_never_mixes_two_articles():
    # Articles 1 and 2 would fit together in 900 characters; they still are two passages.
    chunks = chunk_text("d", LAW, size=900, overlap=0)
    for c in chunks:
        assert c.text.count("Điều ") - c.text.count("Điều 5 của") <= 1, c.text


def test_a_sentence_mentioning_an_article_is_not_a_heading():
    chunks = chunk_text("d", LAW, size=900, overlap=0)
    assert "Điều 5 của Luật này" in by_text(chunks, "Điều 10.").text


def test_long_article_is_split_between_clauses_and_points():
    chunks = chunk_text("d", LAW, size=260, overlap=0)
    article = [c for c in chunks if "Điều 2. Giải thích từ ngữ" in c.section]
    assert len(article) >= 3
    for c in article:
        assert c.text.startswith(("Điều 2.", "1.", "2.", "3.", "a)", "b)")), c.text[:30]
        assert len(c.text) <= 260
    assert by_text(article, "2.").section.endswith("Điều 2. Giải thích từ ngữ > Khoản 2")
    assert by_text(article, "b)").section.endswith("> Khoản 3 > Điểm b")


def test_consecutive_short_clauses_share_a_passage():
    chunks = chunk_text("d", LAW, size=520, overlap=0)
    first = by_text(chunks, "Điều 2.")
    assert "1. An ninh mạng" in first.text and "2. Bảo vệ" in first.text
    assert first.section.endswith("> Khoản 1–2")


def test_split_clause_keeps_its_article_heading_as_context():
    chunk = by_text(chunk_text("d", LAW, size=260, overlap=0), "b)")
    passage = passage_with_context("Luật An ninh mạng", chunk.section, chunk.text)
    assert "Điều 2. Giải thích từ ngữ" in passage and passage.endswith(chunk.text)


def test_offsets_are_exact():
    for size in (120, 260, 900):
        for c in chunk_text("d", LAW, size=size, overlap=0):
            assert LAW[c.start_char : c.end_char] == c.text


def test_markdown_headings_make_a_path():
    text = "# Kế hoạch\n\nMở đầu.\n\n## Mục tiêu\n\nĐạt 100% dịch vụ công trực tuyến.\n\n## Giải pháp\n\nĐầu tư hạ tầng."
    sections = [c.section for c in chunk_text("d", text, size=900, overlap=0)]
    assert sections == ["Kế hoạch", "Kế hoạch > Mục tiêu", "Kế hoạch > Giải pháp"]


def test_news_without_structure_has_no_section_and_packs_sentences():
    news = " ".join(f"Câu thứ {i} nói về chuyển đổi số của tỉnh Thanh Hóa." for i in range(30))
    chunks = chunk_text("d", news, size=300, overlap=60)
    assert len(chunks) > 3 and all(c.section == "" for c in chunks)
    assert chunks[0].start_char == 0 and chunks[-1].end_char == len(news)
