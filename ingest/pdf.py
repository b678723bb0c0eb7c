"""PDF → text: the text layer read as prose (pdfplumber's lines reflowed into paragraphs), tables kept row by row,
and pages without a text layer (a scan, a stamped and signed page) read by OCR. A mixed PDF keeps its text layer
where it has one and is OCR'd only where it has none."""
from __future__ import annotations

import io
import logging

from ingest.encodings import tidy, vietnamese_score
from ingest.errors import UnreadableFile
from ingest.external import ToolSettings
from ingest.ocr import OcrStats, OcrUnavailable, ocr_pages, require_ocr, unavailable_reason
from ingest.reflow import Line, Page, reflow
from ingest.result import ReadResult
from ingest.tables import render_table

MAX_PDF_PAGES = 2000  # a longer PDF is read up to here, and the report says so
MIN_SCAN_DPI, MAX_SCAN_DPI = 150, 600  # a scan finer than 150 dpi is drawn at its own resolution, up to 600
MIN_TEXT_CHARS = 10  # a page with less text than this (nothing, or a lone page number) has no text layer

# pdfminer logs every oddity it works around in a malformed file; the ingest summary already says what matters:
# the file was read, or why not.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


class _TableState:
    """The columns of the last table when it ran to the end of its page: a table cut by a page break goes on
    with them on the next page."""

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.width = 0


def _text_layer(page, carry: _TableState) -> tuple[Page, int]:
    """The page's lines, its tables' rows among them where the tables stand, and how many characters it holds."""
    tables = []
    for table in page.find_tables():
        rows = table.extract()
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:  # one cell, or one row, is a box, not a table
            tables.append((table.bbox, rows))
    boxes = [bbox for bbox, _ in tables]
    text_page = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) if boxes else page
    lines = [
        Line(item["text"], item["x0"], item["x1"], item["top"], item["bottom"])
        for item in text_page.extract_text_lines(strip=True, return_chars=False)
    ]
    last_line = max((line.top for line in lines), default=-1.0)
    first_line = min((line.top for line in lines), default=float("inf"))
    for n, (bbox, rows) in enumerate(sorted(tables, key=lambda t: t[0][1])):
        width = max(len(r) for r in rows)
        continued = n == 0 and bbox[1] < first_line and carry.header is not None and carry.width == width
        rendered, header = render_table(rows, carry.header if continued else None)
        x0, top, x1, bottom = bbox
        step = (bottom - top) / max(len(rendered), 1)
        lines += [Line(text, x0, x1, top + i * step, top + (i + 1) * step, fixed=True) for i, text in enumerate(rendered)]
        ends_page = bbox[1] > last_line
        carry.header, carry.width = (header, width) if ends_page and header else (None, 0)
    if not tables:
        carry.header, carry.width = None, 0
    lines.sort(key=lambda line: line.top)
    return Page(page.width, lines), sum(len(line.text.strip()) for line in lines)


def _drawn(page) -> bool:
    """Whether a page shows something other than text: a scanned picture, or text drawn as outlines."""
    return bool(page.images) or len(page.curves) > 20


def _scan(page) -> tuple[float | None, bool]:
    """How the page was scanned: the resolution of its widest picture (pixels per inch of the page), and whether
    any picture is in colour (else it is drawn in grey, which is quicker and has no seal to wash out)."""
    widths = [(img["srcsize"][0], img["x1"] - img["x0"]) for img in page.images if img.get("srcsize")]
    pixels, points = max(widths, key=lambda w: w[1], default=(0, 0))
    colour = any("Gray" not in str(img.get("colorspace")) and img.get("bits") != 1 for img in page.images)
    return (pixels * 72 / points if pixels and points > 0 else None), colour or not page.images


def _ocr(data: bytes, indexes: list[int], scans: dict[int, tuple[float | None, bool]], tools: ToolSettings,
         progress: bool) -> list:
    """OCR of the given pages (0-based), drawn by PDFium at the resolution they were scanned at, when it is known
    and not too coarse, else at tools.ocr_dpi (drawing a 200 dpi scan at 300 dpi is slower and reads no better),
    and in colour when the scan is (so that seals can be washed out)."""
    import pypdfium2

    def draw(i: int):
        page = document[i]
        scanned_at, colour = scans[i]
        resolution = min(scanned_at, MAX_SCAN_DPI) if scanned_at and scanned_at >= MIN_SCAN_DPI else tools.ocr_dpi
        try:
            return page.render(scale=resolution / 72, grayscale=not colour).to_pil()
        finally:
            page.close()

    document = pypdfium2.PdfDocument(data)
    try:
        return ocr_pages((lambda i=i: draw(i) for i in indexes), len(indexes), tools, progress)
    finally:
        document.close()


def read_pdf(data: bytes, tools: ToolSettings, progress: bool = False) -> ReadResult:
    """The PDF's text, page by page; pages without a text layer through OCR (when Tesseract is installed)."""
    import pdfplumber

    # pdfminer raises anything from PDFSyntaxError to KeyError, TypeError or RecursionError on a damaged or
    # hostile file; pdfplumber wraps some of them in PdfminerException.
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            total = len(pdf.pages)
            carry = _TableState()
            pages: list[Page] = []
            scanned: list[int] = []  # pages without a text layer that show a picture: they need OCR
            scans: dict[int, tuple[float | None, bool]] = {}
            for i, page in enumerate(pdf.pages[:MAX_PDF_PAGES]):
                text_page, chars = _text_layer(page, carry)
                pages.append(text_page)
                scans[i] = _scan(page)
                if chars < MIN_TEXT_CHARS and _drawn(page):
                    scanned.append(i)
                page.close()
    except Exception as e:  # noqa: BLE001 - see above
        if "PDFPasswordIncorrect" in repr(e) or "PDFEncryptionError" in repr(e):
            raise UnreadableFile("encrypted PDF (needs a password)") from None
        raise UnreadableFile(f"damaged PDF ({type(e).__name__}: {e})"[:200]) from None
    notes = [f"read the first {MAX_PDF_PAGES} of {total} pages"] if total > MAX_PDF_PAGES else []
    if not pages:
        raise UnreadableFile("the PDF has no pages")

    if len(scanned) < len(pages):
        score, evidence = vietnamese_score(tidy("\n".join(reflow(pages))))
        # A font without a Unicode map gives glyph codes instead of letters; indexing those would be mojibake.
        if evidence >= 20 and score < 0.5:
            require_ocr(tools, "the PDF's text layer does not decode to readable text")
            notes.append("the text layer does not decode to readable text: read by OCR")
            scanned = list(range(len(pages)))
    missing = unavailable_reason(tools) if scanned else None
    if missing and len(scanned) == len(pages):
        raise OcrUnavailable("the PDF has no text layer", missing)
    stats = None
    if scanned and missing:
        notes.append(f"{len(scanned)} of {len(pages)} pages have no text layer and were not read (no OCR)")
    elif scanned:
        try:
            results = _ocr(data, scanned, scans, tools, progress)
        except OcrUnavailable:
            raise
        except Exception as e:  # noqa: BLE001 - PDFium fails in its own ways on a file pdfminer could parse
            raise UnreadableFile(f"damaged PDF: its pages cannot be drawn for OCR ({type(e).__name__}: {e})"[:200]) from None
        for i, result in zip(scanned, results):
            pages[i] = result.page
            if result.error:
                notes.append(f"page {i + 1}: {result.error}")
        stats = OcrStats.of(results)
    text = tidy("\n".join(reflow(pages)))
    if not text.strip():
        raise UnreadableFile("no text in the PDF" + (" (OCR found none either)" if stats else ""))
    return ReadResult(text, "pdf", notes=notes, ocr=stats, ocr_missing=missing)
