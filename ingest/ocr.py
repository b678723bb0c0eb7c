"""Scanned pages and images → lines of text, with Tesseract and its Vietnamese model, offline.

Each page is recognised by one Tesseract process (pytesseract), several pages at once (POLICYQA_OCR_JOBS);
Tesseract's own OpenMP threads are turned off, since on a busy machine they make a page several times slower
(python -m bench ocr measures it). What OCR reads of stamps and signatures is dropped: coloured ink (a red seal,
a blue signature) is washed out of the image before recognition, and lines that are only marks, or that
Tesseract itself barely believes, are left out. Every word's confidence is kept, for the ingest report.
"""
from __future__ import annotations

import io
import os
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tqdm import tqdm

from ingest.errors import UnreadableFile
from ingest.external import ToolSettings, find_program
from ingest.reflow import Line, Page

MIN_LINE_CONFIDENCE = 45  # a line whose words average below this, with few real words, is noise
MIN_MARK_CONFIDENCE = 60  # a word of punctuation only, read with less confidence than this, is a speck
_STRAY_MARKS = set("|_~=^`¦")  # marks that do not stand alone in print
_WORD = re.compile(r"[^\W\d_]{2,}|\d+")


class OcrUnavailable(UnreadableFile):
    """The file needs OCR and Tesseract (or its language data) is not installed: `reason` says which, once in the
    ingest summary for all such files."""

    def __init__(self, what: str, reason: str):
        super().__init__(f"needs OCR: {what}")
        self.reason = reason


def require_ocr(tools: ToolSettings, what: str) -> None:
    """Raise OcrUnavailable (saying what needed OCR) when OCR cannot run."""
    reason = unavailable_reason(tools)
    if reason:
        raise OcrUnavailable(what, reason)


@dataclass
class OcrPage:
    page: Page
    confidence: float | None  # mean word confidence (0-100) of the lines kept; None when nothing was read
    words: int
    seconds: float
    error: str | None = None  # why this page could not be read


@dataclass
class OcrStats:
    """What OCR did for one document: for the ingest report."""

    pages: int
    confidence: float | None
    seconds: float

    @staticmethod
    def of(pages: list[OcrPage]) -> OcrStats:
        words = sum(p.words for p in pages)
        confidence = sum(p.confidence * p.words for p in pages if p.confidence is not None) / words if words else None
        return OcrStats(len(pages), confidence, sum(p.seconds for p in pages))


_available: dict[tuple[str, str], str | None] = {}
_available_lock = threading.Lock()


def unavailable_reason(tools: ToolSettings) -> str | None:
    """Why OCR cannot run with these settings (program or language data missing), or None when it can."""
    key = (tools.tesseract, tools.ocr_lang)
    with _available_lock:
        if key not in _available:
            _available[key] = _check(tools)
        return _available[key]


def _check(tools: ToolSettings) -> str | None:
    import pytesseract

    program = find_program(tools.tesseract)
    if program is None:
        return f"Tesseract is not installed ({tools.tesseract} not found; apt-get install tesseract-ocr tesseract-ocr-vie)"
    try:
        pytesseract.pytesseract.tesseract_cmd = program
        languages = set(pytesseract.get_languages(config=""))
    except Exception as e:  # noqa: BLE001 - a broken install fails in many ways
        return f"Tesseract at {program} does not run ({type(e).__name__}: {e})"[:200]
    missing = [lang for lang in tools.ocr_lang.split("+") if lang not in languages]
    if missing:
        return f"Tesseract has no {'+'.join(missing)} language data (apt-get install tesseract-ocr-vie)"
    return None


def _prepared(image):
    """A greyscale image without coloured ink: strongly coloured pixels (a red seal, a blue signature), and the
    pale fringe around them, become paper; anything else keeps its brightness, so black and grey print, and
    print under the seal, stay."""
    from PIL import Image, ImageChops, ImageFilter

    if image.mode in ("1", "L", "I", "I;16", "F"):
        return image.convert("L")
    rgb = image.convert("RGB")
    gray = rgb.convert("L")
    _, saturation, value = rgb.convert("HSV").split()
    coloured = ImageChops.multiply(saturation.point(lambda s: 255 if s > 100 else 0),
                                   value.point(lambda v: 255 if v > 100 else 0))
    box = coloured.getbbox()
    if box is None:  # a black-and-white page drawn in colour: nothing to wash out
        return gray
    box = (max(box[0] - 2, 0), max(box[1] - 2, 0), min(box[2] + 2, rgb.width), min(box[3] + 2, rgb.height))
    fringe = Image.new("L", rgb.size, 0)
    fringe.paste(coloured.crop(box).filter(ImageFilter.MaxFilter(5)), box[:2])
    ink = ImageChops.lighter(coloured, ImageChops.multiply(fringe, gray.point(lambda v: 255 if v > 110 else 0)))
    return Image.composite(Image.new("L", rgb.size, 255), gray, ink)


def _is_blank(image) -> bool:
    """Nothing printed: no pixel darker than light grey."""
    low, _ = image.getextrema()
    return low > 160


def _lines(data: dict) -> tuple[list[Line], list[float]]:
    """Tesseract's words grouped into its lines (block, paragraph, line), with their boxes; noise left out."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        word, confidence = word.strip(), float(data["conf"][i])
        if not word or confidence < 0:
            continue
        if not any(c.isalnum() for c in word) and (confidence < MIN_MARK_CONFIDENCE or set(word) <= _STRAY_MARKS):
            continue  # a speck read as "...", a rule or a seal's edge read as "|" or "_"
        groups.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    lines, confidences = [], []
    for indexes in groups.values():
        words = [data["text"][i].strip() for i in indexes]
        confs = [float(data["conf"][i]) for i in indexes]
        text = " ".join(words)
        real_words = _WORD.findall(text)
        if not real_words or len("".join(real_words)) < 2:  # lone marks: "|", "—", "'", "."
            continue
        if statistics.fmean(confs) < MIN_LINE_CONFIDENCE and len(real_words) < 4:  # fragments of a seal, a scrawl
            continue
        lines.append(Line(
            text,
            min(data["left"][i] for i in indexes),
            max(data["left"][i] + data["width"][i] for i in indexes),
            min(data["top"][i] for i in indexes),
            max(data["top"][i] + data["height"][i] for i in indexes),
        ))
        confidences += confs
    return lines, confidences


def ocr_image(image, tools: ToolSettings) -> OcrPage:
    """One page image → its lines (pixel coordinates) and confidence."""
    import pytesseract

    t0 = time.perf_counter()
    gray = _prepared(image)
    if _is_blank(gray):
        return OcrPage(Page(gray.width, []), None, 0, time.perf_counter() - t0)
    pytesseract.pytesseract.tesseract_cmd = find_program(tools.tesseract) or tools.tesseract
    try:
        data = pytesseract.image_to_data(
            gray, lang=tools.ocr_lang, config="--psm 3", output_type=pytesseract.Output.DICT,
            timeout=tools.ocr_timeout_s,
        )
    except RuntimeError:  # pytesseract's timeout
        return OcrPage(Page(gray.width, []), None, 0, time.perf_counter() - t0,
                       error=f"OCR gave up after {tools.ocr_timeout_s:g} s")
    except pytesseract.TesseractError as e:
        return OcrPage(Page(gray.width, []), None, 0, time.perf_counter() - t0, error=f"OCR failed: {e}"[:200])
    lines, confidences = _lines(data)
    confidence = statistics.fmean(confidences) if confidences else None
    return OcrPage(Page(gray.width, lines), confidence, len(confidences), time.perf_counter() - t0)


def ocr_pages(
    images: Iterable[Callable[[], object]], total: int, tools: ToolSettings, progress: bool = False
) -> list[OcrPage]:
    """OCR of page images, `tools.ocr_jobs` at a time, in order. Each item draws its page when called: pages are
    drawn one after the other in this thread (PDFium is not thread-safe) and recognised in parallel, at most two
    per job waiting, so memory stays bounded on a long scan."""
    require_ocr(tools, "scanned pages")
    # Tesseract inherits this process's environment; one thread per page, since pages run side by side.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    bar = tqdm(total=total, desc="OCR", unit="page", disable=not progress, file=sys.stderr, leave=False)
    results = []
    try:
        with ThreadPoolExecutor(max_workers=tools.ocr_jobs) as pool:
            pending = []
            for draw in images:
                pending.append(pool.submit(ocr_image, draw(), tools))
                while len(pending) > 2 * tools.ocr_jobs:
                    results.append(pending.pop(0).result())
                    bar.update()
            for future in pending:
                results.append(future.result())
                bar.update()
    finally:
        bar.close()
    return results


def read_image(data: bytes, tools: ToolSettings, progress: bool = False) -> tuple[list[Page], OcrStats]:
    """A PNG, JPEG, TIFF (every frame a page) ... through OCR."""
    from PIL import Image

    require_ocr(tools, "an image of text")

    def frame(n: int):
        image.seek(n)
        return image.copy()

    # Pillow raises anything from OSError to SyntaxError on a damaged file, DecompressionBombError on a huge one.
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        frames = getattr(image, "n_frames", 1)
        pages = ocr_pages((lambda n=n: frame(n) for n in range(frames)), frames, tools, progress)
    except Image.DecompressionBombError as e:
        raise UnreadableFile(f"image too large to read ({e})"[:200]) from None
    except OcrUnavailable:
        raise
    except Exception as e:  # noqa: BLE001 - see above
        raise UnreadableFile(f"damaged image ({type(e).__name__}: {e})"[:200]) from None
    return [p.page for p in pages], OcrStats.of(pages)
