"""File formats → text. One function per format; each returns Unicode text or raises UnreadableFile."""
from __future__ import annotations

from pathlib import Path


class UnreadableFile(Exception):
    """The file cannot be turned into text; the message says why (shown in the ingest summary)."""


def read_plain_text(data: bytes) -> str:
    """UTF-8 text or Markdown, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnreadableFile(f"not valid UTF-8 (byte {e.start})") from None


READERS = {
    ".txt": read_plain_text,
    ".md": read_plain_text,
    ".markdown": read_plain_text,
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read_file(path: Path, data: bytes) -> str:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFile(f"unsupported file type {path.suffix or '(none)'}")
    text = reader(data)
    if "\x00" in text:
        raise UnreadableFile("binary content")
    return text
