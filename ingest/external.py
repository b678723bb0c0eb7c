"""The programs ingest runs for files it cannot read itself, and their settings: Tesseract for scans and images,
LibreOffice for old Word (.doc), RTF and OpenDocument files.

Their settings are Settings' ocr_* and soffice fields (POLICYQA_OCR_TESSERACT, POLICYQA_OCR_LANG, POLICYQA_OCR_DPI,
POLICYQA_OCR_JOBS, POLICYQA_OCR_TIMEOUT_S, POLICYQA_SOFFICE); the readers get them as one ToolSettings.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from retriever.settings import Settings


def _default_jobs() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0))))


@dataclass(frozen=True)
class ToolSettings:
    """Defaults are Settings' defaults; ingest builds one from its settings (tool_settings)."""

    tesseract: str = "tesseract"
    ocr_lang: str = "vie"
    ocr_dpi: int = 300
    ocr_jobs: int = 1
    ocr_timeout_s: float = 180.0
    soffice: str = "soffice"


def tool_settings(settings: Settings) -> ToolSettings:
    """The readers' view of the settings."""
    return ToolSettings(
        tesseract=settings.ocr_tesseract,
        ocr_lang=settings.ocr_lang,
        ocr_dpi=settings.ocr_dpi,
        ocr_jobs=settings.ocr_jobs or _default_jobs(),
        ocr_timeout_s=settings.ocr_timeout_s,
        soffice=settings.soffice,
    )


def find_program(name: str) -> str | None:
    """The full path of a program given by name (looked up on PATH) or by path; None when it is not there."""
    return shutil.which(name)
