"""Tables keep their rows: each row is one line that names its columns, in DOCX and in text-layer PDFs alike."""
from pathlib import Path

from ingest.readers import read_document
from ingest.tables import render_table

TARGETS = [["STT", "Chỉ tiêu", "Năm 2024", "Năm 2025"],
           ["1", "Tỉ lệ dịch vụ công trực tuyến toàn trình", "80%", "90%"],
           ["2", "Tỉ lệ hồ sơ được số hóa", "60%", "75%"]]
ROWS = ["STT: 1; Chỉ tiêu: Tỉ lệ dịch vụ công trực tuyến toàn trình; Năm 2024: 80%; Năm 2025: 90%",
        "STT: 2; Chỉ tiêu: Tỉ lệ hồ sơ được số hóa; Năm 2024: 60%; Năm 2025: 75%"]


def test_rows_name_their_columns():
    lines, header = render_table(TARGETS)
    assert lines == ROWS and header == TARGETS[0]


def test_group_rows_empty_cells_and_wrapped_cells():
    lines, _ = render_table([
        ["Nhiệm vụ", "Cơ quan chủ trì", "Kinh phí\n(triệu đồng)"],
        ["I. HẠ TẦNG SỐ", None, None],
        ["Nâng cấp trung tâm\ndữ liệu tỉnh", "Sở Thông tin và Truyền thông", "12.500"],
        ["Tập huấn", "", "300"],
    ])
    assert lines == [
        "I. HẠ TẦNG SỐ",
        "Nhiệm vụ: Nâng cấp trung tâm dữ liệu tỉnh; Cơ quan chủ trì: Sở Thông tin và Truyền thông; "
        "Kinh phí (triệu đồng): 12.500",
        "Nhiệm vụ: Tập huấn; Kinh phí (triệu đồng): 300",
    ]


def test_layout_tables_read_as_before():
    header = [["CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"],
              ["Số: 13/2023/NĐ-CP", "Hà Nội, ngày 17 tháng 4 năm 2023"]]
    assert render_table(header) == (["CHÍNH PHỦ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
                                     "Số: 13/2023/NĐ-CP | Hà Nội, ngày 17 tháng 4 năm 2023"], None)
    assert render_table([["Nơi nhận: Như Điều 3;", "TM. ỦY BAN NHÂN DÂN"]])[0] == [
        "Nơi nhận: Như Điều 3; | TM. ỦY BAN NHÂN DÂN"]


def test_pdf_table_rows_with_the_text_around_them(make_pdf):
    page = ["Điều 2. Chỉ tiêu chuyển đổi số của tỉnh như sau:", TARGETS, "Điều 3. Tổ chức thực hiện."]
    result = read_document(Path("ke-hoach.pdf"), make_pdf([page]))
    assert result.text.split("\n") == [page[0], *ROWS, page[2]]


def test_pdf_table_continued_on_the_next_page_keeps_its_columns(make_pdf):
    more = [["STT", "Chỉ tiêu", "Năm 2024", "Năm 2025"],  # the header row repeated on the new page
            ["3", "Tỉ lệ văn bản ký số", "85%", "95%"]]
    plain = [["4", "Tỉ lệ cán bộ có chữ ký số", "70%", "100%"]] * 2  # or not repeated at all
    filler = [f"Đoạn {n} của kế hoạch, đủ dài để bảng ở cuối trang." for n in range(30)]
    text = read_document(Path("bang.pdf"), make_pdf([filler + [TARGETS], [more], [plain]])).text
    lines = text.split("\n")
    assert lines[30:] == [*ROWS, "STT: 3; Chỉ tiêu: Tỉ lệ văn bản ký số; Năm 2024: 85%; Năm 2025: 95%",
                          *["STT: 4; Chỉ tiêu: Tỉ lệ cán bộ có chữ ký số; Năm 2024: 70%; Năm 2025: 100%"] * 2]
