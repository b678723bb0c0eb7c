"""Old Word (.doc), OpenDocument (.odt) and RTF files, converted by LibreOffice (make test installs it) and read
as DOCX: paragraphs, tables row by row, legal header tables. The files are made here, by LibreOffice itself."""
from pathlib import Path

import pytest

from ingest.external import ToolSettings
from ingest.readers import UnreadableFile, read_document
from tests.ingest.conftest import legal_fields

pytestmark = pytest.mark.slow  # each conversion starts LibreOffice (2-4 s)

BLOCKS = [
    [["ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 45/KH-UBND",
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Tĩnh, ngày 2 tháng 3 năm 2024"]],
    "KẾ HOẠCH",
    "Cải thiện chỉ số chuyển đổi số năm 2024",
    "I. MỤC TIÊU",
    "Đến hết năm 2024, tỉnh Hà Tĩnh đưa 100% hồ sơ thủ tục hành chính lên môi trường mạng.",
    [["Chỉ tiêu", "Năm 2023", "Năm 2024"], ["Tỉ lệ thanh toán trực tuyến", "35%", "50%"]],
    "II. TỔ CHỨC THỰC HIỆN",
]
EXPECTED_LINES = [
    "Đến hết năm 2024, tỉnh Hà Tĩnh đưa 100% hồ sơ thủ tục hành chính lên môi trường mạng.",
    "Chỉ tiêu: Tỉ lệ thanh toán trực tuyến; Năm 2023: 35%; Năm 2024: 50%",
]


@pytest.mark.parametrize("fmt", ["doc", "odt", "rtf"])
def test_converted_formats_read_like_docx(fmt, make_docx, convert_office):
    data = convert_office(make_docx(BLOCKS), fmt)
    # Named by content, not by name: a Word 97 file saved as .txt is still read as Word.
    for name in (f"ke-hoach.{fmt}", "ke-hoach.txt"):
        result = read_document(Path(name), data)
        assert result.kind == fmt
        assert set(EXPECTED_LINES) <= set(result.text.split("\n")), result.text
    assert legal_fields(result.text) == ("Kế hoạch", "45/KH-UBND", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "2024-03-02")


def test_hand_written_rtf():
    # RTF as old editors write it: Vietnamese letters as \\u escapes with a "?" fallback.
    body = "Điều 4. Người dân được tra cứu hồ sơ trực tuyến."
    escaped = "".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in body)
    data = ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0 " + escaped + "\\par}").encode("ascii")
    assert read_document(Path("dieu-4.rtf"), data).text == body


def test_without_libreoffice_the_reason_is_given(make_docx, convert_office):
    data = convert_office(make_docx(["Nội dung."]), "doc")
    with pytest.raises(UnreadableFile, match=r"\.doc needs LibreOffice to be read: LibreOffice is not installed"):
        read_document(Path("cu.doc"), data, tools=ToolSettings(soffice="/nonexistent/soffice"))


def test_a_damaged_doc_is_refused_with_a_reason(make_docx, convert_office):
    data = convert_office(make_docx(["Nội dung văn bản cũ."]), "doc")
    with pytest.raises(UnreadableFile, match="not a Word document.*damaged|LibreOffice could not convert|no text"):
        read_document(Path("hong.doc"), data[:2048])
