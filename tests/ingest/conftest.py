"""Makers of real test documents (PDF, scanned PDF, DOCX, HTML), generated at test time: no binary fixtures are
committed. Each fixture returns a function, so a test states the content it needs next to its assertions."""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest


def _vietnamese_font() -> Path:
    """A TTF with every Vietnamese letter that ships inside a PyPI package, so no system font is needed."""
    import matplotlib

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    assert font.is_file(), font
    return font


@pytest.fixture(scope="session")
def make_pdf() -> Callable[..., bytes]:
    """make_pdf([[line, ...], ...], running_header=None): a PDF with a real text layer, one list per page.

    A line that is a (left, right) pair is set in two columns, as the header block of a legal document is.
    With running_header, every page starts with that line and ends with its page number, like a printed gazette.
    """
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    font = _vietnamese_font()

    def make(pages: list[list[str]], running_header: str | None = None) -> bytes:
        pdf = FPDF(format="A4")
        pdf.add_font("DejaVu", fname=str(font))
        pdf.set_font("DejaVu", size=11)
        for number, lines in enumerate(pages, start=1):
            pdf.add_page()
            if running_header:
                pdf.cell(0, 8, running_header, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            for line in lines:
                if isinstance(line, tuple):
                    pdf.cell(70, 7, line[0], align="C")
                    pdf.cell(0, 7, line[1], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                else:
                    pdf.multi_cell(0, 7, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if running_header:
                pdf.set_y(-20)
                pdf.cell(0, 8, str(number), align="C")
        return bytes(pdf.output())

    return make


@pytest.fixture(scope="session")
def make_scanned_pdf() -> Callable[[], bytes]:
    """A PDF whose only page is a picture of text, as a scanner makes it: no text layer at all."""
    from PIL import Image, ImageDraw

    def make() -> bytes:
        page = Image.new("RGB", (620, 877), "white")
        draw = ImageDraw.Draw(page)
        for i, line in enumerate(["CONG HOA XA HOI CHU NGHIA VIET NAM", "QUYET DINH", "Dieu 1. Pham vi dieu chinh"]):
            draw.text((60, 80 + 40 * i), line, fill="black")
        out = io.BytesIO()
        page.save(out, format="PDF", resolution=72)
        return out.getvalue()

    return make


@pytest.fixture(scope="session")
def make_docx() -> Callable[..., bytes]:
    """make_docx([block, ...]): a paragraph is a str, a table a list of rows (lists of cell texts).

    A table row may use None for a cell merged into the cell on its left. A block may be a (text, font) pair
    to type a paragraph in a given font (".VnTime" for TCVN3 text).
    """
    import docx

    def make(blocks: list) -> bytes:
        document = docx.Document()
        for block in blocks:
            if isinstance(block, str):
                document.add_paragraph(block)
            elif isinstance(block, tuple):
                text, font = block
                document.add_paragraph().add_run(text).font.name = font
            else:
                table = document.add_table(rows=len(block), cols=len(block[0]))
                for r, row in enumerate(block):
                    for c, cell_text in enumerate(row):
                        if cell_text is None:
                            table.cell(r, c - 1).merge(table.cell(r, c))
                        else:
                            table.cell(r, c).text = cell_text
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return make


@pytest.fixture(scope="session")
def news_page_html() -> str:
    """A news page as saved from a browser: menu, header, related links, footer around one article."""
    return """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Thanh Hóa đẩy mạnh chuyển đổi số - Báo Thanh Hóa</title>
<link rel="canonical" href="https://baothanhhoa.vn/thanh-hoa-day-manh-chuyen-doi-so.htm">
<meta property="og:site_name" content="Báo Thanh Hóa">
<meta property="article:published_time" content="2021-09-23T08:00:00+07:00">
</head><body>
<header><div class="logo">Báo Thanh Hóa</div>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/kinh-te">Kinh tế</a></li><li><a href="/dang-nhap">Đăng nhập</a></li></ul></nav></header>
<main><article>
<h1>Thanh Hóa đẩy mạnh chuyển đổi số</h1>
<p>Năm 2021, tỉnh Thanh Hóa tiếp tục đẩy mạnh chuyển đổi số trên cả ba trụ cột chính quyền số, kinh tế số và
xã hội số, với mục tiêu nằm trong nhóm dẫn đầu cả nước.</p>
<p>Theo Sở Thông tin và Truyền thông, tỉ lệ hồ sơ giải quyết trực tuyến toàn trình đã tăng mạnh so với cùng kỳ
năm trước, giúp người dân tiết kiệm thời gian và chi phí đi lại.</p>
<p>Tỉnh cũng triển khai nền tảng chia sẻ dữ liệu dùng chung, kết nối các cơ sở dữ liệu quốc gia về dân cư,
đất đai và doanh nghiệp.</p>
</article></main>
<aside><h3>Tin liên quan</h3><ul><li><a href="/a">Hà Tĩnh cải thiện chỉ số chuyển đổi số</a></li>
<li><a href="/b">Nghệ An ra mắt ứng dụng công dân số</a></li></ul></aside>
<footer><p>Bản quyền thuộc Báo Thanh Hóa. Địa chỉ: 248 Trần Phú, TP Thanh Hóa.</p>
<p>Liên hệ quảng cáo | Điều khoản sử dụng</p></footer>
</body></html>"""


@pytest.fixture(scope="session")
def encode_cp1258() -> Callable[[str], bytes]:
    """Windows-1258 as Vietnamese Windows writes it: a base letter (â, ơ, ư ...) then a combining tone mark.
    Python's codec cannot do this itself: it has no precomposed toned letters to encode."""
    tones = "\u0300\u0301\u0303\u0309\u0323"

    def encode(text: str) -> bytes:
        out = bytearray()
        for c in unicodedata.normalize("NFC", text):
            try:
                out += c.encode("cp1258")
            except UnicodeEncodeError:
                nfd = unicodedata.normalize("NFD", c)
                base = unicodedata.normalize("NFC", "".join(x for x in nfd if x not in tones))
                out += (base + "".join(x for x in nfd if x in tones)).encode("cp1258")
        return bytes(out)

    return encode
