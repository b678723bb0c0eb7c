"""Makers of real test documents (PDF, scanned PDF and page images, DOCX, .doc/.odt/.rtf, HTML), generated at
test time: no binary fixtures are committed. Each fixture returns a function, so a test states the content it needs next to its assertions."""
from __future__ import annotations

import io
import math
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest


def legal_fields(text: str) -> tuple:
    """(type, number, issuer, date of issue) that metadata reads from a reader's text."""
    from ingest.metadata import extract_article
    from retriever.text.normalize import normalize

    meta = extract_article(normalize(text))
    return meta.doc_type, meta.doc_number, meta.issuer, meta.issued_date


def _vietnamese_font() -> Path:
    """A TTF with every Vietnamese letter that ships inside a PyPI package, so no system font is needed."""
    import matplotlib

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    assert font.is_file(), font
    return font


A4_MM = (210, 297)


def render_page(lines: list, dpi: int = 200, stamp: bool = False, size_pt: float = 12):
    """A page as a scanner sees it: a white A4 picture with the lines printed in black (wrapped to the text width,
    between the 30 mm and 15 mm margins of a Vietnamese administrative document). A (left, right) pair is set in
    two centred columns, as a header is. With stamp, a red seal and a blue signature cover the last lines."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(_vietnamese_font()), round(size_pt * dpi / 72))
    left, right = round(30 / 25.4 * dpi), width - round(15 / 25.4 * dpi)
    step = round(size_pt * dpi / 72 * 1.5)
    y = round(20 / 25.4 * dpi)

    def centred(text: str, x0: int, x1: int) -> None:
        draw.text(((x0 + x1 - draw.textlength(text, font=font)) / 2, y), text, font=font, fill="black")

    for line in lines:
        if isinstance(line, tuple):
            middle = left + (right - left) * 2 // 5
            centred(line[0], left, middle)
            centred(line[1], middle, right)
            y += step
            continue
        current = ""
        for word in line.split():
            if current and draw.textlength(f"{current} {word}", font=font) > right - left:
                draw.text((left, y), current, font=font, fill="black")
                y, current = y + step, word
            else:
                current = f"{current} {word}".strip()
        draw.text((left, y), current, font=font, fill="black")
        y += step
    if stamp:
        _stamp(page, right - round(45 / 25.4 * dpi), y - 2 * step, round(18 / 25.4 * dpi), dpi)
    return page


def _stamp(page, cx: int, cy: int, r: int, dpi: int) -> None:
    """A red round seal with its issuer's name around a star, and a blue signature across it, in ink over the
    print (multiplied: black stays black under the seal)."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    ink = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(ink)
    red, blue = (215, 30, 35), (30, 50, 190)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, dpi // 60))
    inner = round(r * 0.7)
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), outline=red, width=max(2, dpi // 100))
    small = ImageFont.truetype(str(_vietnamese_font()), round(7 * dpi / 72))
    for i, letter in enumerate("ỦY BAN NHÂN DÂN TỈNH THANH HÓA"):
        angle = math.radians(200 + i * 9.5)
        x, y = cx + r * 0.85 * math.cos(angle), cy + r * 0.85 * math.sin(angle)
        glyph = Image.new("RGBA", (small.size * 2, small.size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((small.size // 2, small.size // 2), letter, font=small, fill=red)
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        ink.paste(glyph, (round(x - small.size), round(y - small.size)), glyph)
    star = [(cx + r * 0.3 * math.cos(math.radians(a)), cy + r * 0.3 * math.sin(math.radians(a)))
            for a in range(-90, 270, 72)]
    draw.polygon(star[::2] + star[1::2], fill=red)
    draw.line([(cx - r * 1.3 + i * r * 0.1, cy + (-1) ** i * r * 0.25) for i in range(27)], fill=blue,
              width=max(2, dpi // 80))
    page.paste(ImageChops.multiply(page, ink))


@pytest.fixture(scope="session")
def make_scanned_pdf() -> Callable[..., bytes]:
    """make_scanned_pdf([[line, ...], ...], dpi=200, stamp=False): a PDF whose pages are pictures of text, as a
    scanner makes them: no text layer at all."""

    def make(pages: list[list] | None = None, dpi: int = 200, stamp: bool = False) -> bytes:
        images = [render_page(lines, dpi, stamp=stamp) for lines in pages or [["Điều 1. Phạm vi điều chỉnh"]]]
        out = io.BytesIO()
        images[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
        return out.getvalue()

    return make


@pytest.fixture(scope="session")
def make_pdf() -> Callable[..., bytes]:
    """make_pdf([[line, ...], ...], running_header=None): a PDF with a real text layer, one list per page.

    A line that is a (left, right) pair is set in two columns, as the header block of a legal document is; a line
    that is a list of rows (lists of cell texts) is a table with ruled cells. A page that is a picture (from
    render_page) is put in whole, with no text layer: a scanned page of a mixed PDF. With running_header, every
    page starts with that line and ends with its page number, like a printed gazette.
    """
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from PIL import Image

    font = _vietnamese_font()

    def make(pages: list, running_header: str | None = None) -> bytes:
        pdf = FPDF(format="A4")
        pdf.add_font("DejaVu", fname=str(font))
        pdf.add_font("DejaVu", style="B", fname=str(font.with_name("DejaVuSans-Bold.ttf")))
        pdf.set_font("DejaVu", size=11)
        for number, lines in enumerate(pages, start=1):
            pdf.add_page()
            if isinstance(lines, Image.Image):
                pdf.image(lines, x=0, y=0, w=A4_MM[0], h=A4_MM[1])
                continue
            if running_header:
                pdf.cell(0, 8, running_header, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            for line in lines:
                if isinstance(line, tuple):
                    pdf.cell(70, 7, line[0], align="C")
                    pdf.cell(0, 7, line[1], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                elif isinstance(line, list):
                    with pdf.table(first_row_as_headings=False) as table:
                        for row in line:
                            cells = table.row()
                            for text in row:
                                cells.cell(text)
                else:
                    pdf.multi_cell(0, 7, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if running_header:
                pdf.set_auto_page_break(False)
                pdf.set_y(-20)
                pdf.cell(0, 8, str(number), align="C")
                pdf.set_auto_page_break(True, margin=20)
        return bytes(pdf.output())

    return make


@pytest.fixture(scope="session")
def convert_office(tmp_path_factory) -> Callable[[bytes, str], bytes]:
    """convert_office(docx_bytes, "doc"|"odt"|"rtf"): the DOCX saved in an older or another format by LibreOffice,
    as a user's Word 97-2003 or LibreOffice file is (make test installs LibreOffice)."""
    folder = tmp_path_factory.mktemp("office")
    profile = (folder / "profile").as_uri()

    def convert(docx: bytes, fmt: str) -> bytes:
        source = folder / "source.docx"
        source.write_bytes(docx)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", fmt,
                        "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
        return (folder / f"source.{fmt}").read_bytes()

    return convert


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
