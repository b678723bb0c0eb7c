"""What a reader gives back: the file's text and what was learned on the way (every reader module returns it)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.ocr import OcrStats


@dataclass
class ReadResult:
    """A file's text and what the reader learned on the way."""

    text: str
    kind: str  # the format read: "text", "html", "pdf", "docx", "image", or "doc"/"rtf"/"odt" (converted)
    # Metadata found in the file itself, keyed like YAML front matter: "title" (an HTML page's headline),
    # "url" (its canonical address), "date" (ISO publication date), "publisher" (the site's name).
    hints: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # partial reads worth reporting ("read 2000 of 2315 pages")
    ocr: OcrStats | None = None  # pages read by OCR, their mean confidence and time; None when none were
    ocr_missing: str | None = None  # why pages that needed OCR were left out (Tesseract not installed)
