"""File formats → text. The format comes from the content (a .txt that is really a PDF is read as a PDF);
each reader returns Unicode text or raises UnreadableFile with the reason shown in the ingest summary."""
from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.encodings import decode_text, repair_legacy_font, vietnamese_score
from ingest.errors import UnreadableFile

MAX_PDF_PAGES = 2000  # a longer PDF is read up to here, and the report says so
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_BYTES = 256 * 2**20  # uncompressed; a real .docx with pictures stays far below
MAX_ZIP_RATIO = 200  # a member that expands more than this (and past 10 MiB) is a decompression bomb

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "DOCX"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | set(BINARY_SUFFIXES)

# Formats recognised by their first bytes that we cannot read, with the reason to report.
_REFUSED_MAGIC = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "legacy Office file (.doc/.xls) or an encrypted document: save it as .docx or PDF"),
    (b"{\\rtf", "RTF is not supported: save it as .docx or PDF"),
    (b"\x89PNG", "image file (needs OCR)"),
    (b"\xff\xd8\xff", "image file (needs OCR)"),
    (b"GIF8", "image file (needs OCR)"),
    (b"II*\x00", "image file (needs OCR)"),
    (b"MM\x00*", "image file (needs OCR)"),
]
_ZIP_FORMATS = [  # (a member that identifies it, what it is)
    ("xl/workbook.xml", "Excel workbook (.xlsx) is not supported"),
    ("ppt/presentation.xml", "PowerPoint file (.pptx) is not supported"),
    ("content.xml", "OpenDocument file is not supported: save it as .docx or PDF"),
]
_HTML_START = re.compile(
    r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# pypdf logs every oddity it works around in a malformed file (as warnings and errors); the ingest summary
# already says what matters: the file was read, or why not.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


@dataclass
class ReadResult:
    """A file's text and what the reader learned on the way."""

    text: str
    kind: str  # the format read: "text", "html", "pdf" or "docx"
    # Metadata found in the file itself, keyed like YAML front matter: "title" (an HTML page's headline),
    # "url" (its canonical address), "date" (ISO publication date), "publisher" (the site's name).
    hints: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # partial reads worth reporting ("read 2000 of 2315 pages")


def supported(path: Path) -> bool:
    """Whether the file's name is one we ingest; its content then decides how it is read."""
    return path.suffix.lower() in SUFFIXES


def read_file(path: Path, data: bytes) -> str:
    """The file's text only; read_document also gives metadata hints and notes."""
    return read_document(path, data).text


def read_document(path: Path, data: bytes) -> ReadResult:
    """Read a file whatever its name says: PDF and DOCX are known by their first bytes, HTML by its opening tags,
    and the rest is text in whichever encoding reads as Vietnamese. The name only matters for text content:
    .txt/.md/.markdown is read as text, .html/.htm as HTML, anything else is unsupported."""
    suffix = path.suffix.lower()
    head = data[:1024].lstrip(b"\xef\xbb\xbf\t\n\r\x0c ")
    if head.startswith(b"%PDF-"):
        return read_pdf(data)
    if head.startswith(b"PK\x03\x04"):
        return read_docx(data)
    for magic, reason in _REFUSED_MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(reason)
    try:
        text = decode_text(data)
    except UnreadableFile:
        if suffix in BINARY_SUFFIXES:
            raise UnreadableFile(f"not a {BINARY_SUFFIXES[suffix]} file (unrecognised content)") from None
        raise
    if suffix in HTML_SUFFIXES or _HTML_START.match(text[:4096]):
        return read_html(text)
    if suffix in BINARY_SUFFIXES:
        return ReadResult(text, "text", notes=[f"named {suffix} but holds plain text"])
    if suffix not in TEXT_SUFFIXES:
        raise UnreadableFile(f"unsupported file type {suffix or '(none)'}")
    return ReadResult(text, "text")


def _tidy(text: str) -> str:
    """Text pulled out of a PDF/DOCX/HTML structure: NFC, no control characters, legacy fonts repaired."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return repair_legacy_font(unicodedata.normalize("NFC", text))


# --- HTML --------------------------------------------------------------------------------------------------

def read_html(html: str) -> ReadResult:
    """The article's main text; navigation, header, footer, related links and comments are dropped."""
    import trafilatura  # loaded on first HTML file: it pulls in lxml, htmldate, justext

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True)
    text = _tidy(doc.text or "") if doc is not None else ""
    if not text.strip():
        raise UnreadableFile("no main text found in the HTML page")
    hints = {}
    for key, value in (("title", doc.title), ("url", doc.url), ("date", doc.date), ("publisher", doc.sitename)):
        if value and str(value).strip():
            hints[key] = _tidy(str(value).strip())
    return ReadResult(text, "html", hints=hints)


# --- PDF ---------------------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(-\s*)?(trang\s+)?\d{1,4}(\s*/\s*\d{1,4})?(\s*-)?\s*$", re.I)


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove page numbers and the header/footer lines that repeat at the top or bottom of most pages."""
    edges = Counter()
    for lines in pages:
        edges.update({line.strip() for line in lines[:2] + lines[-2:] if line.strip()})
    repeated = {line for line, n in edges.items() if len(pages) >= 3 and n >= max(3, len(pages) / 2)}
    kept = []
    for lines in pages:
        top_bottom = set(range(min(2, len(lines)))) | set(range(max(0, len(lines) - 2), len(lines)))
        kept.append([
            line for i, line in enumerate(lines)
            if not (i in top_bottom and (_PAGE_NUMBER.match(line) or line.strip() in repeated))
        ])
    return kept


def read_pdf(data: bytes) -> ReadResult:
    """The PDF's text layer, page by page. A scan without one is refused: it needs OCR, which we do not do."""
    from pypdf import PdfReader

    # pypdf raises anything from PdfReadError to KeyError or RecursionError on a damaged or hostile file.
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF (needs a password)")
        total = len(reader.pages)
        pages = [(page.extract_text() or "").split("\n") for page in reader.pages[:MAX_PDF_PAGES]]
    except UnreadableFile:
        raise
    except Exception as e:  # noqa: BLE001 - see above
        raise UnreadableFile(f"damaged PDF ({type(e).__name__}: {e})"[:200]) from None
    notes = []
    if total > MAX_PDF_PAGES:
        notes.append(f"read the first {MAX_PDF_PAGES} of {total} pages")
    blank = sum(1 for lines in pages if len("".join(lines).strip()) < 10)  # nothing, or a lone page number
    if blank == len(pages):
        raise UnreadableFile("needs OCR: the PDF has no text layer")
    if blank:
        notes.append(f"{blank} of {len(pages)} pages have no text layer (need OCR)")
    text = _tidy("\n".join("\n".join(lines) for lines in _drop_running_lines(pages)))
    score, evidence = vietnamese_score(text)
    # A font without a Unicode map gives glyph codes instead of letters; indexing those would be mojibake.
    if evidence >= 20 and score < 0.5:
        raise UnreadableFile("needs OCR: the PDF's text layer does not decode to readable text")
    return ReadResult(text, "pdf", notes=notes)


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
            for row in Table(child, parent).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    # One row is one line: a cell's paragraphs and line breaks become spaces.
                    cell_text = " ".join(" ".join(b.split()) for b in _docx_blocks(cell._tc, cell) if b.strip())
                    if cell_text:
                        cells.append(cell_text)
                if cells:
                    blocks.append(" | ".join(cells))
        elif child.tag == qn("w:sdt"):  # content control (cover page, table of contents): its content counts
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                blocks.extend(_docx_blocks(content, parent))
    return blocks


def read_docx(data: bytes) -> ReadResult:
    """Body paragraphs and tables in order (cells joined with " | "); headers, footers and notes are left out."""
    archive = _checked_zip(data)
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        for member, reason in _ZIP_FORMATS:
            if member in names:
                raise UnreadableFile(reason)
        raise UnreadableFile("ZIP archive is not a DOCX document")
    import docx

    # python-docx raises KeyError, ValueError, lxml errors ... on a damaged package.
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _docx_blocks(document.element.body, document)
    except Exception as e:  # noqa: BLE001 - see above
        raise UnreadableFile(f"damaged DOCX ({type(e).__name__}: {e})"[:200]) from None
    text = _tidy("\n".join(blocks))
    if not text.strip():
        raise UnreadableFile("no text in the DOCX document")
    return ReadResult(text, "docx")
