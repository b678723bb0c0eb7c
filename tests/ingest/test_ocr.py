"""Scanned PDFs, mixed PDFs and images through Tesseract (make test installs tesseract-ocr and tesseract-ocr-vie),
on pages generated here: Vietnamese text drawn with DejaVu Sans, as a scanner would see it."""
import difflib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import ocr
from ingest.external import ToolSettings
from ingest.metadata import extract_article
from ingest.ocr import OcrUnavailable
from ingest.pipeline import IngestPipeline
from ingest.readers import read_document
from retriever.settings import Settings
from retriever.text.normalize import normalize
from tests.ingest.conftest import legal_fields, render_page

REPO = Path(__file__).resolve().parents[2]

DECISION = [
    ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("TỈNH THANH HÓA", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 1234/QĐ-UBND", "Thanh Hóa, ngày 5 tháng 3 năm 2023"),
    "QUYẾT ĐỊNH",
    "Về việc phê duyệt Kế hoạch số hóa hồ sơ hộ tịch năm 2023",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "QUYẾT ĐỊNH:",
    "Điều 1. Phê duyệt Kế hoạch số hóa hồ sơ hộ tịch năm 2023, với mục tiêu số hóa toàn bộ 2.150.000 trang sổ hộ "
    "tịch lưu tại các xã, phường trước ngày 31 tháng 12 năm 2023.",
    "Điều 2. Sở Tư pháp chủ trì, phối hợp với Sở Thông tin và Truyền thông tổ chức thực hiện; kinh phí thực hiện "
    "là 18,5 tỷ đồng từ ngân sách tỉnh.",
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
    ("", "CHỦ TỊCH"),
    ("", "Nguyễn Văn An"),
]
BODY = [line for line in DECISION[6:] if isinstance(line, str)]


def _closest(paragraph: str, expected: list[str]) -> float:
    return max(difflib.SequenceMatcher(None, paragraph, e).ratio() for e in expected)


def test_scanned_decision_is_read_with_its_diacritics_and_legal_header(make_scanned_pdf):
    result = read_document(Path("qd-1234.pdf"), make_scanned_pdf([DECISION], dpi=300))
    assert result.kind == "pdf" and result.ocr.pages == 1 and result.ocr.confidence > 85
    paragraphs = result.text.split("\n")
    # Each wrapped article is one paragraph again, word for word, tone marks included.
    assert all(line in paragraphs for line in BODY), paragraphs
    assert legal_fields(result.text) == ("Quyết định", "1234/QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "2023-03-05")
    title = extract_article(normalize(result.text)).title
    assert title == "Quyết định 1234/QĐ-UBND về việc phê duyệt Kế hoạch số hóa hồ sơ hộ tịch năm 2023"


@pytest.mark.slow
def test_seal_and_signature_leave_no_fragments(make_scanned_pdf, monkeypatch):
    expected = [line if isinstance(line, str) else " ".join(p for p in line if p) for line in DECISION]
    stamped = make_scanned_pdf([DECISION], stamp=True)
    paragraphs = read_document(Path("stamped.pdf"), stamped).text.split("\n")
    # Nothing of the seal or the scrawl: every paragraph is one of the printed lines (give or take a mark).
    assert all(_closest(p, expected) > 0.9 for p in paragraphs), paragraphs
    assert "Nguyễn Văn An" in paragraphs and BODY[-1] in paragraphs

    # The same page read in plain greyscale, ink and all: the seal comes through as fragments.
    monkeypatch.setattr(ocr, "_prepared", lambda image: image.convert("L"))
    raw = read_document(Path("stamped.pdf"), stamped).text.split("\n")
    assert not all(_closest(p, expected) > 0.9 for p in raw)


def test_mixed_pdf_keeps_its_text_layer_and_ocrs_only_the_scanned_page(make_pdf):
    typed = ["Điều 1. Phạm vi điều chỉnh: Quy chế này quy định việc tiếp nhận hồ sơ trực tuyến tại Bộ phận một cửa."]
    scanned = render_page(["Điều 2. Thời hạn giải quyết hồ sơ là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ."])
    result = read_document(Path("quy-che.pdf"), make_pdf([typed, scanned]))
    assert result.ocr.pages == 1  # the typed page is not OCR'd
    assert result.text.split("\n") == [typed[0], "Điều 2. Thời hạn giải quyết hồ sơ là 05 ngày làm việc kể từ ngày "
                                                 "nhận đủ hồ sơ hợp lệ."]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_images_are_read(fmt):
    page = render_page(["Điều 5. Công dân được cấp thẻ căn cước miễn phí lần đầu."], dpi=200)
    out = io.BytesIO()
    page.save(out, format=fmt, dpi=(200, 200), quality=90)
    result = read_document(Path(f"anh.{fmt.lower()}"), out.getvalue())
    assert result.kind == "image" and result.ocr.pages == 1
    assert result.text == "Điều 5. Công dân được cấp thẻ căn cước miễn phí lần đầu."


def test_multipage_tiff_is_one_document():
    pages = [render_page([f"Điều {n}. Nội dung của trang thứ {n} trong bản quét."]) for n in (1, 2)]
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    result = read_document(Path("ban-quet.tif"), out.getvalue())
    assert result.ocr.pages == 2
    assert result.text.split("\n") == [f"Điều {n}. Nội dung của trang thứ {n} trong bản quét." for n in (1, 2)]


# --- without Tesseract: one line in the summary, the files skipped, nothing crashes ----------------------

@pytest.fixture
def no_tesseract(monkeypatch) -> ToolSettings:
    """Tesseract where there is none: for the readers given these tools, and for ingest through its settings."""
    monkeypatch.setenv("POLICYQA_OCR_TESSERACT", "/nonexistent/tesseract")
    return ToolSettings(tesseract="/nonexistent/tesseract")


def test_missing_tesseract_is_a_reason_not_a_crash(no_tesseract, make_scanned_pdf, make_pdf):
    with pytest.raises(OcrUnavailable, match="needs OCR: the PDF has no text layer") as e:
        read_document(Path("scan.pdf"), make_scanned_pdf(), tools=no_tesseract)
    assert "Tesseract is not installed" in e.value.reason
    out = io.BytesIO()
    render_page(["Điều 1."]).save(out, format="PNG")
    with pytest.raises(OcrUnavailable, match="needs OCR: an image of text"):
        read_document(Path("anh.png"), out.getvalue(), tools=no_tesseract)
    pages = make_pdf([["Điều 1. Phần có lớp chữ vẫn được đọc."], render_page(["x"])])
    mixed = read_document(Path("mixed.pdf"), pages, tools=no_tesseract)
    assert mixed.text == "Điều 1. Phần có lớp chữ vẫn được đọc."
    assert mixed.notes == ["1 of 2 pages have no text layer and were not read (no OCR)"] and mixed.ocr is None
    assert "Tesseract is not installed" in mixed.ocr_missing


def test_missing_vietnamese_data_is_named(make_scanned_pdf):
    with pytest.raises(OcrUnavailable) as e:
        read_document(Path("scan.pdf"), make_scanned_pdf(), tools=ToolSettings(ocr_lang="vie+xyz"))
    assert "no xyz language data" in e.value.reason


def test_ingest_summary_says_it_once(no_tesseract, make_scanned_pdf, make_pdf, tmp_path):
    from tests.helpers import HashEmbedder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scan1.pdf").write_bytes(make_scanned_pdf())
    (docs / "scan2.pdf").write_bytes(make_scanned_pdf())
    (docs / "mixed.pdf").write_bytes(make_pdf([["Điều 1. Phần có lớp chữ vẫn được đọc."], render_page(["x"])]))
    report = IngestPipeline(Settings(index_dir=tmp_path / "index"), HashEmbedder()).run([docs])
    assert report.added == ["mixed.pdf"]
    assert [s for s, _ in report.skipped] == ["scan1.pdf", "scan2.pdf"]
    lines = report.summary().split("\n")
    ocr_lines = [line for line in lines if "Tesseract is not installed" in line]
    assert len(ocr_lines) == 1 and "2 files skipped and 1 read without their scanned pages" in ocr_lines[0]


@pytest.mark.slow
def test_cli_with_tesseract_missing_exits_cleanly(make_scanned_pdf, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scan.pdf").write_bytes(make_scanned_pdf())
    (docs / "ghi-chu.txt").write_text("Ghi chú\nNội dung ghi chú cuộc họp.", encoding="utf-8")
    env = {**__import__("os").environ, "POLICYQA_OCR_TESSERACT": "/nonexistent/tesseract"}
    r = subprocess.run([sys.executable, "-m", "ingest", str(docs), "--index", str(tmp_path / "index"), "--quiet"],
                       cwd=REPO, capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "added 1" in r.stdout and "skipped scan.pdf: needs OCR" in r.stdout
    assert r.stdout.count("Tesseract is not installed") == 1


def test_ocr_report_in_summary(make_scanned_pdf, tmp_path):
    from tests.helpers import HashEmbedder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "qd.pdf").write_bytes(make_scanned_pdf([DECISION[6:11]]))
    report = IngestPipeline(Settings(index_dir=tmp_path / "index"), HashEmbedder()).run([docs])
    assert report.added == ["qd.pdf"]
    (source, stats), = report.ocr
    assert source == "qd.pdf" and stats.pages == 1 and stats.seconds > 0
    assert f"OCR qd.pdf: 1 page, mean confidence {stats.confidence:.0f}%" in report.summary()
