"""Dates, legal document headers, YAML front matter and reader hints; the sample articles must not regress."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import ArticleMeta, extract_article, parse_date, split_front_matter
from retriever.text.normalize import normalize

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def meta_of(raw: str, **hints):
    return extract_article(normalize(raw), hints)


# --- the shipped sample articles -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, title, publisher, url",
    [
        ("000_26c842c1430eb98e.txt", "Động lực thúc đẩy chuyển đổi số", "baothanhhoa.vn", None),
        ("001_7f3ae7113796803c.txt", "Thanh Hóa: Nỗ lực chuyển đổi số sâu rộng, mang lại lợi ích thiết thực cho "
         "người dân và doanh nghiệp", None, None),
        ("002_9c06e3dc793e99d2.txt", "Thanh Hóa: Xây dựng Đề án Chuyển đổi số", "Dân Sinh", None),
        ("003_02f4682a8e564762.txt", "Lãnh đạo Bộ Thông tin và Truyền thông và tỉnh Hà Tĩnh chia sẻ, tháo gỡ các "
         "khó khăn liên quan đến chuyển đổi số.", "nhandan.vn",
         "https://nhandan.vn/ha-tinh-can-quyet-liet-cai-thien-cac-chi-so-ket-qua-chuyen-doi-so-post727922.html"),
        ("004_f32387abdc4cf322.txt", "Mới đây (tháng 8/2002), Bộ Thông tin và Truyền thông đã công bố Bảng xếp hạng "
         "chỉ số chuyển đổi số DTI cấp quốc gia, cấp bộ và cấp tỉnh năm 2021.", None, None),
    ],
)
def test_sample_articles_do_not_regress(name, title, publisher, url):
    meta = meta_of((CORPUS / name).read_text(encoding="utf-8"))
    assert (meta.title, meta.publisher, meta.url) == (title, publisher, url)
    assert (meta.doc_type, meta.doc_number, meta.issuer, meta.issued_date) == (None, None, None, None)
    assert meta.published_date is None  # none of them carries a full date line


def test_news_article_citing_a_resolution_is_not_a_resolution():
    meta = meta_of((CORPUS / "000_26c842c1430eb98e.txt").read_text(encoding="utf-8"))
    assert meta.doc_type is None and meta.doc_number is None
    assert meta.mentions == ["Nghị quyết 58/NQ-TW"]


# --- dates ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, iso",
    [
        ("ngày 23-9-2021", "2021-09-23"),
        ("23/9/2021", "2021-09-23"),
        ("Hà Nội, ngày 5 tháng 3 năm 2023", "2023-03-05"),
        ("Thanh Hóa, ngày 05 tháng 03 năm 2023", "2023-03-05"),
        ("cập nhật 07.11.2022 lúc 10:15", "2022-11-07"),
        ("2024-01-31", "2024-01-31"),
        ("ngày 31/2/2023", None),  # no such day
        ("tháng 8/2002", None),  # no day: not a date
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("date_line", ["Thứ Năm, 23/09/2021 14:30 (GMT+7)", "Cập nhật: 23-9-2021",
                                       "Hà Nội, ngày 23 tháng 9 năm 2021", "23/9/2021 08:00"])
def test_news_date_line_gives_the_publication_date(date_line):
    meta = meta_of(f"{date_line}\nThanh Hóa ban hành nghị quyết về chuyển đổi số\nNội dung.\nTheo baothanhhoa.vn")
    assert meta.published_date == "2021-09-23"
    assert meta.title == "Thanh Hóa ban hành nghị quyết về chuyển đổi số"
    assert date_line not in meta.body


def test_a_date_inside_a_sentence_or_title_is_not_the_publication_date():
    meta = meta_of("Hội nghị ngày 23/9/2021\nNgày 23-9-2021, Tỉnh ủy Thanh Hóa ban hành Nghị quyết số 06-NQ/TU.")
    assert meta.published_date is None and meta.title == "Hội nghị ngày 23/9/2021"
    assert meta.mentions == ["Nghị quyết 06-NQ/TU"]


# --- legal document headers ----------------------------------------------------------------------------------

DECREE = """CHÍNH PHỦ
--------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 13/2023/NĐ-CP
Hà Nội, ngày 17 tháng 4 năm 2023
NGHỊ ĐỊNH
BẢO VỆ DỮ LIỆU CÁ NHÂN
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
Chính phủ ban hành Nghị định bảo vệ dữ liệu cá nhân.
Điều 1. Phạm vi điều chỉnh
Nghị định này thay thế Quyết định số 20/2020/QĐ-TTg."""

# As a PDF text layer gives it: the two header columns interleaved on the same lines.
DECISION_PDF = """THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 749/QĐ-TTg Hà Nội, ngày 03 tháng 6 năm 2020
QUYẾT ĐỊNH
Phê duyệt "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030"
THỦ TƯỚNG CHÍNH PHỦ
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Phê duyệt Chương trình."""

# As the DOCX reader gives it: the header table is one row, its cells joined with " | ".
CIRCULAR_DOCX = (
    "BỘ TÀI CHÍNH ------- Số: 01/2024/TT-BTC | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
    "--------------- Hà Nội, ngày 5 tháng 1 năm 2024\n"
) + """THÔNG TƯ
HƯỚNG DẪN QUẢN LÝ TÀI CHÍNH ĐỐI VỚI CHƯƠNG TRÌNH CHUYỂN ĐỔI SỐ
Căn cứ Nghị định số 14/2023/NĐ-CP ngày 20 tháng 4 năm 2023;
Điều 1. Phạm vi điều chỉnh"""

LAW = """QUỐC HỘI
--------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Luật số: 57/2020/QH14
LUẬT
DOANH NGHIỆP
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Điều 1. Phạm vi điều chỉnh
Luật này đã được Quốc hội khóa XIV, kỳ họp thứ 9 thông qua ngày 17 tháng 6 năm 2020."""

PROVINCE = """UBND TỈNH THANH HÓA
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 1234/QĐ-UBND
Thanh Hóa, ngày 5 tháng 3 năm 2023
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch chuyển đổi số năm 2023
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA
Căn cứ Luật Tổ chức chính quyền địa phương;
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2023."""

OFFICIAL_LETTER = """BỘ TÀI CHÍNH
-------
Số: 1234/BTC-TCT
V/v hướng dẫn chính sách thuế
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Hà Nội, ngày 10 tháng 2 năm 2022
Kính gửi: Cục Thuế các tỉnh, thành phố trực thuộc Trung ương.
Bộ Tài chính nhận được công văn của các Cục Thuế."""


# --- header variants of real documents: no type heading, the type, number and date on one line ----------

RESOLUTION_ONE_LINE = """HỘI ĐỒNG NHÂN DÂN
TỈNH THANH HÓA
Nghị quyết số 12/NQ-HĐND ngày 10 tháng 7 năm 2024
về việc thông qua Đề án chuyển đổi số tỉnh Thanh Hóa đến năm 2025
Điều 1. Thông qua Đề án chuyển đổi số tỉnh Thanh Hóa."""

DECISION_IN_CAPITALS = """UBND TỈNH HÀ TĨNH
QUYẾT ĐỊNH SỐ 45/QĐ-UBND NGÀY 2/3/2024
VỀ VIỆC BAN HÀNH QUY CHẾ QUẢN LÝ CỔNG DỊCH VỤ CÔNG
Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý Cổng dịch vụ công."""

# The number typed with a space before its slash, as a number filled in by hand after printing.
PLAN_SPACED_NUMBER = """ỦY BAN NHÂN DÂN TỈNH NGHỆ AN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 125 /KH-UBND
Nghệ An, ngày 20 tháng 2 năm 2024
KẾ HOẠCH
Chuyển đổi số năm 2024
I. MỤC ĐÍCH, YÊU CẦU"""

# As OCR of a two-column header gives it: issuer and number on one line, the motto after them.
RESOLUTION_OCR = """HỘI ĐỒNG NHÂN DÂN TỈNH THANH HÓA Số: 12/2024/NQ-HĐND CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Thanh Hóa, ngày 10 tháng 7 năm 2024
NGHỊ QUYẾT
Quy định mức hỗ trợ đào tạo nghề
Điều 1. Phạm vi điều chỉnh."""

# The one-line form under the motto, with the date written with slashes.
DIRECTIVE_UNDER_MOTTO = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Chỉ thị số 05/CT-UBND ngày 15/01/2024 của Chủ tịch Ủy ban nhân dân tỉnh về tăng cường kỷ cương hành chính
1. Các sở, ban, ngành thực hiện nghiêm giờ làm việc."""


@pytest.mark.parametrize(
    "raw, doc_type, number, issuer, issued, title",
    [
        (DECREE, "Nghị định", "13/2023/NĐ-CP", "CHÍNH PHỦ", "2023-04-17",
         "Nghị định 13/2023/NĐ-CP bảo vệ dữ liệu cá nhân"),
        (DECISION_PDF, "Quyết định", "749/QĐ-TTg", "THỦ TƯỚNG CHÍNH PHỦ", "2020-06-03",
         'Quyết định 749/QĐ-TTg phê duyệt "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030"'),
        (CIRCULAR_DOCX, "Thông tư", "01/2024/TT-BTC", "BỘ TÀI CHÍNH", "2024-01-05",
         "Thông tư 01/2024/TT-BTC hướng dẫn quản lý tài chính đối với chương trình chuyển đổi số"),
        (LAW, "Luật", "57/2020/QH14", "QUỐC HỘI", "2020-06-17", "Luật 57/2020/QH14 doanh nghiệp"),
        (PROVINCE, "Quyết định", "1234/QĐ-UBND", "UBND TỈNH THANH HÓA", "2023-03-05",
         "Quyết định 1234/QĐ-UBND về việc ban hành Kế hoạch chuyển đổi số năm 2023"),
        (OFFICIAL_LETTER, "Công văn", "1234/BTC-TCT", "BỘ TÀI CHÍNH", "2022-02-10",
         "Công văn 1234/BTC-TCT hướng dẫn chính sách thuế"),
        (RESOLUTION_ONE_LINE, "Nghị quyết", "12/NQ-HĐND", "HỘI ĐỒNG NHÂN DÂN TỈNH THANH HÓA", "2024-07-10",
         "Nghị quyết 12/NQ-HĐND về việc thông qua Đề án chuyển đổi số tỉnh Thanh Hóa đến năm 2025"),
        (DECISION_IN_CAPITALS, "Quyết định", "45/QĐ-UBND", "UBND TỈNH HÀ TĨNH", "2024-03-02",
         "Quyết định 45/QĐ-UBND về việc ban hành quy chế quản lý cổng dịch vụ công"),
        (PLAN_SPACED_NUMBER, "Kế hoạch", "125/KH-UBND", "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "2024-02-20",
         "Kế hoạch 125/KH-UBND chuyển đổi số năm 2024"),
        (RESOLUTION_OCR, "Nghị quyết", "12/2024/NQ-HĐND", "HỘI ĐỒNG NHÂN DÂN TỈNH THANH HÓA", "2024-07-10",
         "Nghị quyết 12/2024/NQ-HĐND quy định mức hỗ trợ đào tạo nghề"),
        (DIRECTIVE_UNDER_MOTTO, "Chỉ thị", "05/CT-UBND", None, "2024-01-15",
         "Chỉ thị 05/CT-UBND của Chủ tịch Ủy ban nhân dân tỉnh về tăng cường kỷ cương hành chính"),
    ],
    ids=["decree", "decision-pdf", "circular-docx", "law", "province", "official-letter",
         # header variants of real documents: no type heading, the type, number and date on one line, ...
         "type-number-date-on-one-line", "one-line-in-capitals", "spaced-number", "ocr-columns", "under-motto"],
)
def test_legal_header(raw, doc_type, number, issuer, issued, title):
    meta = meta_of(raw)
    assert (meta.doc_type, meta.doc_number, meta.issuer, meta.issued_date) == (doc_type, number, issuer, issued)
    assert meta.title == title and meta.body.split("\n\n")[0] == title and raw.split("\n")[-1] in meta.body
    assert meta.published_date is None and meta.publisher is None


def test_legal_body_starts_with_the_title_and_leaves_the_header_out():
    meta = meta_of(DECREE)
    paragraphs = meta.body.split("\n\n")
    assert paragraphs[0] == meta.title
    assert paragraphs[1].startswith("Căn cứ Luật Tổ chức Chính phủ")
    assert "CỘNG HÒA XÃ HỘI" not in meta.body and "Số: 13/2023" not in meta.body and "-----" not in meta.body
    assert "Điều 1. Phạm vi điều chỉnh" in meta.body


def test_legal_mentions_exclude_the_document_itself():
    assert meta_of(DECREE).mentions == ["Quyết định 20/2020/QĐ-TTg"]
    assert meta_of(CIRCULAR_DOCX).mentions == ["Nghị định 14/2023/NĐ-CP"]


def test_party_resolution_header():
    meta = meta_of("""BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số 58-NQ/TW
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Nội, ngày 5 tháng 8 năm 2020
NGHỊ QUYẾT
CỦA BỘ CHÍNH TRỊ
về xây dựng và phát triển tỉnh Thanh Hóa đến năm 2030, tầm nhìn đến năm 2045
I. TÌNH HÌNH VÀ NGUYÊN NHÂN""")
    assert (meta.doc_type, meta.doc_number, meta.issuer, meta.issued_date) == (
        "Nghị quyết", "58-NQ/TW", "BAN CHẤP HÀNH TRUNG ƯƠNG", "2020-08-05")
    assert meta.title == ("Nghị quyết 58-NQ/TW của bộ chính trị về xây dựng và phát triển tỉnh Thanh Hóa "
                          "đến năm 2030, tầm nhìn đến năm 2045")
    assert meta.body.endswith("I. TÌNH HÌNH VÀ NGUYÊN NHÂN")


def test_one_header_sign_is_not_enough():
    # A news article with a capitalised headline that starts like a type, citing a number in its text.
    meta = meta_of("KẾ HOẠCH CHUYỂN ĐỔI SỐ CỦA THANH HÓA\nTheo Quyết định số 1234/QĐ-UBND, tỉnh sẽ số hóa hồ sơ.")
    assert meta.doc_type is None and meta.title == "KẾ HOẠCH CHUYỂN ĐỔI SỐ CỦA THANH HÓA"
    assert meta.mentions == ["Quyết định 1234/QĐ-UBND"]


# --- front matter and hints --------------------------------------------------------------------------------

def test_front_matter_overrides_what_the_text_says():
    meta = meta_of("""---
title: Nghị định về bảo vệ dữ liệu cá nhân
publisher: Cổng thông tin điện tử Chính phủ
url: https://chinhphu.vn/nd-13
date: 2023-04-20
issued_date: 17/4/2023
doc_number: 13/2023/NĐ-CP
issuer: Chính phủ
unknown_key: ignored
---
""" + DECREE)
    assert meta.title == "Nghị định về bảo vệ dữ liệu cá nhân"
    assert meta.publisher == "Cổng thông tin điện tử Chính phủ" and meta.url == "https://chinhphu.vn/nd-13"
    assert (meta.published_date, meta.issued_date) == ("2023-04-20", "2023-04-17")
    assert (meta.doc_type, meta.doc_number, meta.issuer) == ("Nghị định", "13/2023/NĐ-CP", "Chính phủ")
    assert "unknown_key" not in meta.body and "title:" not in meta.body
    assert meta.body.split("\n\n")[0] == meta.title


def test_front_matter_on_a_plain_note():
    meta = meta_of("---\ntitle: Ghi chú họp\ndoc_type: Thông báo\n---\nNội dung cuộc họp.")
    assert (meta.title, meta.doc_type, meta.body) == ("Ghi chú họp", "Thông báo", "Ghi chú họp\n\nNội dung cuộc họp.")


@pytest.mark.parametrize(
    "raw",
    ["---\n- a list\n- not a mapping\n---\nNội dung.", "---\ntitle: [unclosed\n---\nNội dung.", "---\nNội dung."],
    ids=["list", "bad-yaml", "no-end"],
)
def test_not_front_matter_is_left_as_text(raw):
    fields, rest = split_front_matter(raw)
    assert fields == {} and rest == raw


def test_front_matter_is_parsed_safely():
    fields, _ = split_front_matter("---\ntitle: !!python/object/apply:os.system ['echo unsafe']\n---\nx")
    assert fields == {}  # safe_load refuses the tag: no code runs, no front matter


def test_html_hints_fill_what_the_text_lacks():
    meta = meta_of("Năm 2021, tỉnh Thanh Hóa tiếp tục đẩy mạnh chuyển đổi số.\nTỉnh cũng triển khai nền tảng dữ liệu.",
                   title="Thanh Hóa đẩy mạnh chuyển đổi số", url="https://baothanhhoa.vn/a.htm",
                   date="2021-09-23", publisher="Báo Thanh Hóa")
    assert meta.title == "Thanh Hóa đẩy mạnh chuyển đổi số"
    assert meta.body.startswith("Thanh Hóa đẩy mạnh chuyển đổi số\n\nNăm 2021")
    assert (meta.url, meta.published_date, meta.publisher) == ("https://baothanhhoa.vn/a.htm", "2021-09-23",
                                                               "Báo Thanh Hóa")


def test_hint_title_already_first_in_the_text_is_not_repeated():
    meta = meta_of("Thanh Hóa đẩy mạnh chuyển đổi số\nNội dung.", title="Thanh Hóa đẩy mạnh chuyển đổi số")
    assert meta.body == "Thanh Hóa đẩy mạnh chuyển đổi số\n\nNội dung."


def test_credit_beats_hint_publisher():
    meta = meta_of("Tiêu đề\nNội dung.\nTheo baothanhhoa.vn", publisher="Trang tổng hợp")
    assert meta.publisher == "baothanhhoa.vn"


def test_nothing_but_furniture_gives_no_document():
    meta = meta_of("Ảnh minh họa\n-----", title="Tiêu đề trang")
    assert (meta.title, meta.body) == ("", "")


# Pieces of headers, dates and front matter in any order, mixed with arbitrary text.
_PIECES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 13/2023/NĐ-CP", "NGHỊ ĐỊNH", "QUYẾT ĐỊNH", "BỘ TÀI CHÍNH",
           "Hà Nội, ngày 5 tháng 3 năm 2023", "23/9/2021", "---", "title: x", "V/v", "Căn cứ", "|", "\n", " "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=30), max_size=30).map("".join))
def test_extract_article_never_fails(text):
    assert isinstance(extract_article(normalize(text)), ArticleMeta)


def test_a_news_article_opening_with_a_resolution_is_not_one():
    # The same one-line form, but no issuing body or motto above it: an article citing the resolution.
    meta = meta_of("Nghị quyết số 12/NQ-HĐND ngày 10/7/2024 của HĐND tỉnh Thanh Hóa về chuyển đổi số\n"
                   "Kỳ họp thứ 20 HĐND tỉnh đã thông qua nghị quyết với 100% đại biểu tán thành.")
    assert (meta.doc_type, meta.doc_number, meta.issued_date) == (None, None, None)
    assert meta.mentions == ["Nghị quyết 12/NQ-HĐND"]
