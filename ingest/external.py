"""The programs ingest runs for files it cannot read itself, and their settings: Tesseract for scans and images,
LibreOffice for old Word (.doc), RTF and OpenDocument files.

The one place that reads these settings from the environment (they are not in retriever.settings.Settings yet):

    POLICYQA_OCR_TESSERACT   the tesseract program, a name on PATH or a path        (tesseract)
    POLICYQA_OCR_LANG        Tesseract languages, joined with "+"                   (vie)
    POLICYQA_OCR_DPI         resolution at which PDF pages without text are drawn   (300)
    POLICYQA_OCR_JOBS        pages recognised at once                               (the usable cores, at most 4)
    POLICYQA_OCR_TIMEOUT_S   seconds for one page before it is given up            (180)
    POLICYQA_SOFFICE         the LibreOffice program                                (soffice)
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass


def _default_jobs() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0))))


@dataclass(frozen=True)
class ToolSettings:
    tesseract: str = "tesseract"
    ocr_lang: str = "vie"
    ocr_dpi: int = 300
    ocr_jobs: int = 1
    ocr_timeout_s: float = 180.0
    soffice: str = "soffice"


def _number(name: str, default: float, kind: type, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if not low <= value <= high:
        raise ValueError(f"{name}={raw!r} is outside {low}..{high}")
    return value


def tool_settings() -> ToolSettings:
    """The settings as the environment gives them now (read on every call: cheap, and tests can change them)."""
    env = os.environ.get
    return ToolSettings(
        tesseract=env("POLICYQA_OCR_TESSERACT", "").strip() or "tesseract",
        ocr_lang=env("POLICYQA_OCR_LANG", "").strip() or "vie",
        ocr_dpi=_number("POLICYQA_OCR_DPI", 300, int, 72, 1200),
        ocr_jobs=_number("POLICYQA_OCR_JOBS", _default_jobs(), int, 1, 64),
        ocr_timeout_s=_number("POLICYQA_OCR_TIMEOUT_S", 180.0, float, 1, 3600),
        soffice=env("POLICYQA_SOFFICE", "").strip() or "soffice",
    )


def find_program(name: str) -> str | None:
    """The full path of a program given by name (looked up on PATH) or by path; None when it is not there."""
    return shutil.which(name)
