"""File formats → text. The format comes from the content (a .txt that is really a PDF is read as a PDF);
each reader returns Unicode text or raises UnreadableFile with the reason shown in the ingest summary.

PDFs are read in ingest/pdf.py (text layer, tables, OCR of scanned pages), images through OCR (ingest/ocr.py),
old Word, RTF and OpenDocument files through LibreOffice (ingest/office.py) and then as DOCX."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ingest import office
from ingest.encodings import decode_text, tidy
from ingest.errors import UnreadableFile
from ingest.external import ToolSettings
from ingest.ocr import read_image
from ingest.pdf import read_pdf
from ingest.reflow import reflow
from ingest.result import ReadResult
from ingest.tables import render_table

MAX_ZIP_MEMBERS = 5000
MAX_ZIP_BYTES = 256 * 2**20  # uncompressed; a real .docx with pictures stays far below
MAX_ZIP_RATIO = 200  # a member that expands more than this (and past 10 MiB) is a decompression bomb

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "DOCX", ".doc": "Word", ".rtf": "RTF", ".odt": "OpenDocument",
                   **{s: "image" for s in IMAGE_SUFFIXES}}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | set(BINARY_SUFFIXES)

_IMAGE_MAGIC = [b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM"]
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc), but also .xls, .ppt, encrypted .docx
_ZIP_FORMATS = [  # (a member that identifies it, what it is)
    ("xl/workbook.xml", "Excel workbook (.xlsx) is not supported"),
    ("ppt/presentation.xml", "PowerPoint file (.pptx) is not supported"),
]
_HTML_START = re.compile(
    r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S
)

__all__ = ["ReadResult", "UnreadableFile", "detect_format", "read_document", "read_file", "supported"]


def supported(path: Path) -> bool:
    """Whether the file's name is one we ingest; its content then decides how it is read."""
    return path.suffix.lower() in SUFFIXES


def read_file(path: Path, data: bytes) -> str:
    """The file's text only; read_document also gives metadata hints and notes."""
    return read_document(path, data).text


def detect_format(path: Path, data: bytes) -> tuple[str, str | None]:
    """What the file is, from its content, without reading it: "pdf", "zip" (DOCX or OpenDocument), "doc", "rtf",
    "image", "html" or "text", and the decoded text for the last two; UnreadableFile when it is none of them.
    Cheap (no OCR, no conversion): an upload can be checked with it before it is stored."""
    suffix = path.suffix.lower()
    head = data[:1024].lstrip(b"\xef\xbb\xbf\t\n\r\x0c ")
    if head.startswith(b"%PDF-"):
        return "pdf", None
    if head.startswith(b"PK\x03\x04"):
        return "zip", None
    if data.startswith(_OLE_MAGIC):
        return "doc", None
    if head.startswith(b"{\\rtf"):
        return "rtf", None
    if any(data.startswith(magic) for magic in _IMAGE_MAGIC):
        return "image", None
    try:
        text = decode_text(data)
    except UnreadableFile:
        if suffix in BINARY_SUFFIXES:
            raise UnreadableFile(f"not a{'n' if suffix in IMAGE_SUFFIXES else ''} {BINARY_SUFFIXES[suffix]} file "
                                 "(unrecognised content)") from None
        raise
    if suffix in HTML_SUFFIXES or _HTML_START.match(text[:4096]):
        return "html", text
    if suffix not in TEXT_SUFFIXES and suffix not in BINARY_SUFFIXES:
        raise UnreadableFile(f"unsupported file type {suffix or '(none)'}")
    return "text", text


def read_document(path: Path, data: bytes, progress: bool = False, tools: ToolSettings | None = None) -> ReadResult:
    """Read a file whatever its name says: PDF, DOCX, OpenDocument, old Word, RTF and images are known by their
    first bytes, HTML by its opening tags, and the rest is text in whichever encoding reads as Vietnamese. The
    name only matters for text content: .txt/.md/.markdown is read as text, .html/.htm as HTML, anything else is
    unsupported. `progress` shows a progress bar over the pages that go through OCR; `tools` says where Tesseract
    and LibreOffice are (their defaults when not given)."""
    tools = tools or ToolSettings()
    kind, text = detect_format(path, data)
    if kind == "pdf":
        return read_pdf(data, tools, progress=progress)
    if kind == "zip":
        return read_zip(data, tools)
    if kind in ("doc", "rtf"):
        return read_converted(data, f".{kind}", tools)
    if kind == "image":
        pages, stats = read_image(data, tools, progress=progress)
        text = tidy("\n".join(reflow(pages)))
        if not text.strip():
            raise UnreadableFile("no text found in the image by OCR")
        return ReadResult(text, "image", ocr=stats)
    if kind == "html":
        return read_html(text)
    suffix = path.suffix.lower()
    notes = [f"named {suffix} but holds plain text"] if suffix in BINARY_SUFFIXES else []
    return ReadResult(text, "text", notes=notes)


def read_converted(data: bytes, suffix: str, tools: ToolSettings) -> ReadResult:
    """An old Word, RTF or OpenDocument file: converted to DOCX by LibreOffice, then read as one."""
    if suffix == ".doc" and b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" not in data:
        # An OLE file without a WordDocument stream: a workbook, a presentation, an encrypted .docx.
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise UnreadableFile("encrypted Office document (needs a password)")
        raise UnreadableFile("legacy Office file that is not a Word document (.xls/.ppt are not supported) "
                             "or is damaged")
    read = read_docx(office.to_docx(data, suffix, tools))
    read.kind = suffix[1:]
    return read


# --- HTML --------------------------------------------------------------------------------------------------

def read_html(html: str) -> ReadResult:
    """The article's main text; navigation, header, footer, related links and comments are dropped."""
    import trafilatura  # loaded on first HTML file: it pulls in lxml, htmldate, justext

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True)
    text = tidy(doc.text or "") if doc is not None else ""
    if not text.strip():
        raise UnreadableFile("no main text found in the HTML page")
    hints = {}
    for key, value in (("title", doc.title), ("url", doc.url), ("date", doc.date), ("publisher", doc.sitename)):
        if value and str(value).strip():
            hints[key] = tidy(str(value).strip())
    return ReadResult(text, "html", hints=hints)


# --- DOCX --------------------------------------------------------------------------------------------------

def _checked_zip(data: bytes) -> zipfile.ZipFile:
    """Open a ZIP only if it is small enough to expand safely (zipfile never reads past a member's declared
    size, so checking the declared sizes bounds what python-docx will load)."""
    # zipfile raises BadZipFile, NotImplementedError, ValueError, EOFError ... on a damaged archive.
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as e:  # noqa: BLE001 - see above
        raise UnreadableFile(f"damaged ZIP/DOCX file ({type(e).__name__}: {e})"[:200]) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(f"ZIP has {len(members)} members (limit {MAX_ZIP_MEMBERS}): refused as a possible bomb")
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_ZIP_BYTES:
        raise UnreadableFile(f"ZIP expands to {expanded // 2**20} MiB (limit {MAX_ZIP_BYTES // 2**20} MiB): "
                             "refused as a possible bomb")
    for m in members:
        if m.file_size > 10 * 2**20 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
            raise UnreadableFile(f"ZIP member {m.filename} expands {m.file_size // max(m.compress_size, 1)}-fold: "
                                 "refused as a possible bomb")
    return archive


def _docx_rows(table) -> list[list[str | None]]:
    """A table's rows, one cell per grid column; None where a cell merged across columns repeats (a cell merged
    down a column keeps its text on every row it spans)."""
    rows = []
    for row in table.rows:
        cells: list[str | None] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # python-docx returns a merged cell once per grid column it spans
                cells.append(None)
                continue
            previous = cell._tc
            # One row is one line: a cell's paragraphs and line breaks become spaces.
            cells.append(" ".join(" ".join(b.split()) for b in _docx_blocks(cell._tc, cell) if b.strip()))
        rows.append(cells)
    return rows


def _docx_blocks(element, parent) -> list[str]:
    """Paragraphs and table rows of a body or table cell, in document order; one row is one line."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(Paragraph(child, parent).text)
        elif child.tag == qn("w:tbl"):
            blocks.extend(render_table(_docx_rows(Table(child, parent)))[0])
        elif child.tag == qn("w:sdt"):  # content control (cover page, table of contents): its content counts
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                blocks.extend(_docx_blocks(content, parent))
    return blocks


def read_zip(data: bytes, tools: ToolSettings) -> ReadResult:
    """A DOCX, or an OpenDocument text (converted); other ZIP-based formats are named in the refusal."""
    archive = _checked_zip(data)
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return read_docx(data, archive)
    if "content.xml" in names:
        try:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
        except Exception:  # noqa: BLE001 - a damaged member: LibreOffice will say more
            mimetype = ""
        if mimetype in ("", "application/vnd.oasis.opendocument.text"):
            return read_converted(data, ".odt", tools)
        raise UnreadableFile(f"OpenDocument file of type {mimetype} is not supported (only text documents)")
    for member, reason in _ZIP_FORMATS:
        if member in names:
            raise UnreadableFile(reason)
    raise UnreadableFile("ZIP archive is not a DOCX document")


def read_docx(data: bytes, archive: zipfile.ZipFile | None = None) -> ReadResult:
    """Body paragraphs and tables in order (data tables row by row with their column names, layout tables with
    cells joined with " | "); headers, footers and notes are left out."""
    archive = archive or _checked_zip(data)
    if "word/document.xml" not in set(archive.namelist()):
        raise UnreadableFile("the file is not a DOCX document")
    import docx

    # python-docx raises KeyError, ValueError, lxml errors ... on a damaged package.
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _docx_blocks(document.element.body, document)
    except Exception as e:  # noqa: BLE001 - see above
        raise UnreadableFile(f"damaged DOCX ({type(e).__name__}: {e})"[:200]) from None
    text = tidy("\n".join(blocks))
    if not text.strip():
        raise UnreadableFile("no text in the DOCX document")
    return ReadResult(text, "docx")
