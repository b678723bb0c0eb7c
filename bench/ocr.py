"""OCR of scanned Vietnamese pages, and old Word files: accuracy, speed, and what a scanned page adds to ingest.

Pages: Pháp điển articles (../shared/corpus_large/) drawn in DejaVu Sans at --dpi onto A4 pictures, saved as PDFs
without a text layer, the way a scanner saves them. Every route reads the same PDFs:

- `reader`: the project's reader (ingest/pdf.py: pytesseract, one Tesseract per page, --jobs at a time);
- `ocrmypdf`: OCRmyPDF's command (when it is on PATH), --skip-text, its sidecar text, as the alternative route;
- with --degrade, the reader again on the same pages made to look scanned (tilted, blurred, speckled, JPEG).

Character accuracy is 1 - (edit distance / reference length) on the page text with runs of spaces and line
breaks made one space, diacritics included; "base letters" repeats it with every diacritic stripped, so the
difference is what tone and vowel marks cost. Then ingest itself: the same articles as a scanned PDF and as a
text-layer PDF, through IngestPipeline with the configured embedder, so that the difference per page is what a
scanned page adds. Last, .doc files (made by LibreOffice from DOCX) read through LibreOffice (the project's
route) and through antiword, side by side.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

from bench.common import load_average
from bench.phapdien import read_phapdien

A4_INCHES = (8.27, 11.69)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance over characters; one numpy pass per character of a."""
    x = np.frombuffer(a.encode("utf-32-le"), dtype=np.uint32)
    y = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    offsets = np.arange(len(y) + 1)
    row = offsets.copy()
    for i, c in enumerate(x, start=1):
        new = np.empty_like(row)
        new[0] = i
        new[1:] = np.minimum(row[1:] + 1, row[:-1] + (y != c))
        row = np.minimum.accumulate(new - offsets) + offsets  # insertions, carried along the row
    return int(row[-1])


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def base_letters(text: str) -> str:
    from retriever.text.normalize import fold

    return fold(text)


def font_path() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def draw_page(text: str, dpi: int, size_pt: float = 12) -> tuple[object, str]:
    """An A4 picture of as much of text as fits (12 pt, 1.5 line spacing, 30/15 mm margins), and that text."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(font_path()), round(size_pt * dpi / 72))
    left, right, top, bottom = round(1.18 * dpi), width - round(0.6 * dpi), round(0.8 * dpi), height - round(0.8 * dpi)
    step = round(size_pt * dpi / 72 * 1.5)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            if current and draw.textlength(f"{current} {word}", font=font) > right - left:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        if current:
            lines.append(current)
    shown = lines[: (bottom - top) // step]
    for n, line in enumerate(shown):
        draw.text((left, top + n * step), line, font=font, fill=0)
    return page, " ".join(shown)


def degrade(page, seed: int):
    """A page as a worn scanner gives it: tilted by a fraction of a degree, blurred, speckled, saved as JPEG."""
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    page = page.rotate(float(rng.uniform(-0.6, 0.6)), resample=Image.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(page, dtype=np.int16) + rng.normal(0, 12, (page.height, page.width)).astype(np.int16)
    specks = rng.random((page.height, page.width)) < 0.0008
    pixels[specks] = 0
    page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=70)
    return Image.open(io.BytesIO(out.getvalue()))


def scanned_pdf(images: list, dpi: int) -> bytes:
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def accuracy(refs: list[str], hyps: list[str]) -> tuple[float, float]:
    """(character accuracy, accuracy on base letters) over all pages together."""
    chars = sum(len(r) for r in refs)
    errors = sum(edit_distance(flat(r), flat(h)) for r, h in zip(refs, hyps))
    base = sum(edit_distance(base_letters(flat(r)), base_letters(flat(h))) for r, h in zip(refs, hyps))
    return 1 - errors / chars, 1 - base / chars


def _articles(pages: int) -> list[str]:
    """Texts long enough to fill a page, spread over the whole code (every 97th article)."""
    out = []
    for n, record in enumerate(read_phapdien()):
        if n % 97 == 0 and len(record.text) > 2500:
            out.append(f"{record.title}\n{record.text}")
            if len(out) == pages:
                break
    return out


@contextlib.contextmanager
def _jobs(jobs: int | None):
    """POLICYQA_OCR_JOBS set to jobs (None: as configured) for the reader inside."""
    before = os.environ.get("POLICYQA_OCR_JOBS")
    if jobs is not None:
        os.environ["POLICYQA_OCR_JOBS"] = str(jobs)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("POLICYQA_OCR_JOBS", None)
        else:
            os.environ["POLICYQA_OCR_JOBS"] = before


def _read_page(pdf: bytes) -> tuple[str, float]:
    """The project's reader on a one-page PDF: (text, OCR seconds)."""
    from ingest.external import tool_settings
    from ingest.readers import read_document
    from retriever.settings import load_settings

    with _jobs(1):
        result = read_document(Path("page.pdf"), pdf, tools=tool_settings(load_settings()))
    return result.text, result.ocr.seconds


def _ocrmypdf_page(pdf: bytes) -> str:
    """OCRmyPDF's text of a one-page PDF (its sidecar), one job."""
    with tempfile.TemporaryDirectory() as tmp:
        source, out, sidecar = (Path(tmp) / name for name in ("in.pdf", "out.pdf", "out.txt"))
        source.write_bytes(pdf)
        subprocess.run([shutil.which("ocrmypdf"), "--quiet", "--skip-text", "-l", "vie", "--jobs", "1",
                        "--output-type", "pdf", "--sidecar", str(sidecar), str(source), str(out)], check=True,
                       capture_output=True)
        return sidecar.read_text(encoding="utf-8")


def _routes(pdfs: list[bytes], compare: bool) -> dict[str, tuple[list[str], float, float]]:
    """Each page through the reader and (with compare, when installed) OCRmyPDF, the two in turn, the order
    swapped every page so that the shared machine's load falls on both alike: route → (texts, wall s, OCR s)."""
    routes = {"reader": _read_page}
    if compare and shutil.which("ocrmypdf"):
        routes["ocrmypdf"] = lambda pdf: (_ocrmypdf_page(pdf), 0.0)
    out = {name: ([], 0.0, 0.0) for name in routes}
    for n, pdf in enumerate(pdfs):
        for name in (list(routes) if n % 2 == 0 else list(routes)[::-1]):
            texts, wall, ocr_s = out[name]
            t0 = time.perf_counter()
            text, seconds = routes[name](pdf)
            out[name] = (texts + [text], wall + time.perf_counter() - t0, ocr_s + seconds)
    return out


def _read_seconds(pdf: bytes, jobs: int | None) -> float:
    """Wall seconds for the reader on one PDF of all the pages, `jobs` pages at a time."""
    from ingest.external import tool_settings
    from ingest.readers import read_document
    from retriever.settings import load_settings

    with _jobs(jobs):
        t0 = time.perf_counter()
        read_document(Path("scan.pdf"), pdf, tools=tool_settings(load_settings()))
        return time.perf_counter() - t0


def _openmp(pdfs: list[bytes]) -> None:
    """Tesseract with its OpenMP threads (one per core, its default) against one thread, the reader's setting,
    in turn page by page."""
    cores = str(len(os.sched_getaffinity(0)))
    before = os.environ.get("OMP_THREAD_LIMIT")
    seconds = {"1": 0.0, cores: 0.0}
    try:
        for n, pdf in enumerate(pdfs):
            for limit in (list(seconds) if n % 2 == 0 else list(seconds)[::-1]):
                os.environ["OMP_THREAD_LIMIT"] = limit
                seconds[limit] += _read_page(pdf)[1]
    finally:
        os.environ["OMP_THREAD_LIMIT"] = before or "1"
    print(f"Tesseract threads: OMP_THREAD_LIMIT=1 {seconds['1'] / len(pdfs):5.2f} s/page, ={cores} (its default) "
          f"{seconds[cores] / len(pdfs):5.2f} s/page, {len(pdfs)} pages in turn   (load {load_average()})")


def _ingest_seconds(pdf: bytes, name: str, embedder) -> tuple[float, int]:
    from ingest.pipeline import IngestPipeline
    from retriever.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        (docs / name).write_bytes(pdf)
        t0 = time.perf_counter()
        report = IngestPipeline(Settings(index_dir=Path(tmp) / "index"), embedder).run([docs])
        return time.perf_counter() - t0, report.chunks


def _text_layer_pdf(texts: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(font_path()))
    pdf.set_font("DejaVu", size=12)
    pdf.set_margins(30, 20, 15)
    for text in texts:
        pdf.add_page()
        pdf.multi_cell(0, 6.35, text)
    return bytes(pdf.output())


def _doc_routes(files: int) -> None:
    """The same .doc files through LibreOffice (→ DOCX → the DOCX reader) and through antiword."""
    import docx

    from ingest import office
    from ingest.external import tool_settings
    from ingest.readers import read_docx
    from retriever.settings import load_settings

    soffice, antiword = shutil.which("soffice"), shutil.which("antiword")
    if soffice is None:
        print("doc: LibreOffice (soffice) is not installed; skipped")
        return
    articles = _articles(files)
    table = [["Chỉ tiêu", "Năm 2024", "Năm 2025"], ["Tỉ lệ hồ sơ trực tuyến toàn trình", "80%", "90%"],
             ["Tỉ lệ thanh toán trực tuyến", "45%", "60%"]]
    rows = ["Chỉ tiêu: Tỉ lệ hồ sơ trực tuyến toàn trình; Năm 2024: 80%; Năm 2025: 90%",
            "Chỉ tiêu: Tỉ lệ thanh toán trực tuyến; Năm 2024: 45%; Năm 2025: 60%"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, text in enumerate(articles):
            document = docx.Document()
            for paragraph in text.split("\n"):
                document.add_paragraph(paragraph)
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, cell in enumerate(row):
                    grid.cell(r, c).text = cell
            document.add_paragraph("Nơi nhận: như trên.")
            document.save(folder / f"{n}.docx")
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                        "--convert-to", "doc", "--outdir", str(folder / "doc"),
                        *[str(folder / f"{n}.docx") for n in range(len(articles))]], check=True, capture_output=True)
        docs = [(folder / "doc" / f"{n}.doc").read_bytes() for n in range(len(articles))]
        refs = [flat(" ".join(text.split("\n"))) for text in articles]
        tools = tool_settings(load_settings())
        office.to_docx(docs[0], ".doc", tools)  # LibreOffice's first start makes its profile: not counted
        t0 = time.perf_counter()
        lo_texts = [read_docx(office.to_docx(d, ".doc", tools)).text for d in docs]
        lo_s = time.perf_counter() - t0
        lo_acc = 1 - sum(edit_distance(r, flat(t.split("Chỉ tiêu:")[0])) for r, t in zip(refs, lo_texts)) / sum(
            len(r) for r in refs)
        lo_rows = sum(all(row in t.split("\n") for row in rows) for t in lo_texts)
        print(f"doc  LibreOffice → DOCX reader: {lo_s / len(docs):6.2f} s/file, text accuracy {lo_acc:.4f}, "
              f"tables read row by row with their columns in {lo_rows}/{len(docs)} files   (load {load_average()})")
        if antiword is None:
            print("doc  antiword: not installed; skipped")
            return
        t0 = time.perf_counter()
        aw_texts = []
        for d in docs:
            source = folder / "one.doc"
            source.write_bytes(d)
            aw_texts.append(subprocess.run([antiword, "-w", "0", "-m", "UTF-8.txt", str(source)], check=True,
                                           capture_output=True).stdout.decode("utf-8", "replace"))
        aw_s = time.perf_counter() - t0
        aw_acc = 1 - sum(edit_distance(r, flat(t.split("|Chỉ tiêu")[0])) for r, t in zip(refs, aw_texts)) / sum(
            len(r) for r in refs)
        print(f"doc  antiword (text, cells between |): {aw_s / len(docs):6.3f} s/file, text accuracy {aw_acc:.4f}, "
              f"tables as fixed-width text without column names   (load {load_average()})")


def run(pages: int = 20, dpi: int = 200, jobs: list[int] = (1, 2), degraded: bool = True, compare: bool = True,
        ingest: bool = True, doc_files: int = 5) -> dict:
    from ingest.external import tool_settings
    from ingest.ocr import unavailable_reason
    from retriever.settings import load_settings

    reason = unavailable_reason(tool_settings(load_settings()))
    if reason:
        raise SystemExit(f"OCR benchmark: {reason}")
    texts = _articles(pages)
    drawn = [draw_page(text, dpi) for text in texts]
    refs = [ref for _, ref in drawn]
    pdfs = [scanned_pdf([image], dpi) for image, _ in drawn]
    print(f"OCR benchmark: {len(pdfs)} pages of Pháp điển text at {dpi} dpi ({sum(map(len, refs)):,} characters), "
          f"Tesseract {_tesseract_version()} -l {tool_settings(load_settings()).ocr_lang}; {len(os.sched_getaffinity(0))} cores, "
          f"load average {load_average()}")
    results: dict[str, float] = {}
    routes = _routes(pdfs, compare)
    hyps, wall, ocr_s = routes["reader"]
    acc, base = accuracy(refs, hyps)
    results |= {"accuracy": acc, "base_accuracy": base, "ocr_s_per_page": ocr_s / len(pdfs)}
    print(f"reader (pytesseract)  accuracy {acc:.4f} (base letters {base:.4f}: diacritics cost {base - acc:.4f})  "
          f"{len(pdfs) / wall:5.2f} pages/s one page at a time, OCR {ocr_s / len(pdfs):5.2f} s/page, "
          f"whole read {wall / len(pdfs):5.2f} s/page   (load {load_average()})")
    if "ocrmypdf" in routes:
        texts_o, seconds, _ = routes["ocrmypdf"]
        acc_o, base_o = accuracy(refs, texts_o)
        results |= {"ocrmypdf_accuracy": acc_o, "ocrmypdf_s_per_page": seconds / len(pdfs)}
        print(f"ocrmypdf --skip-text --sidecar, in turn with the reader  accuracy {acc_o:.4f} (base letters "
              f"{base_o:.4f})  {len(pdfs) / seconds:5.2f} pages/s ({seconds / len(pdfs):5.2f} s/page)   "
              f"(load {load_average()})")
    elif compare:
        print("ocrmypdf: not on PATH; skipped (apt-get install ocrmypdf to compare)")
    worst = sorted((1 - edit_distance(flat(r), flat(h)) / max(len(r), 1), n) for n, (r, h) in enumerate(zip(refs, hyps)))
    print("reader, worst pages: " + ", ".join(f"page {n + 1} {a:.4f}" for a, n in worst[:3]))
    _openmp(pdfs[:3])
    scan = scanned_pdf([image for image, _ in drawn], dpi)
    for j in jobs:
        seconds = _read_seconds(scan, j)
        results[f"pages_per_s_jobs{j}"] = len(pdfs) / seconds
        print(f"reader, one {len(pdfs)}-page PDF, POLICYQA_OCR_JOBS={j}: {len(pdfs) / seconds:5.2f} pages/s "
              f"({seconds / len(pdfs):5.2f} s/page)   (load {load_average()})")
    if degraded:
        worn = [scanned_pdf([degrade(image, n)], dpi) for n, (image, _) in enumerate(drawn)]
        hyps_d, _, ocr_d = _routes(worn, compare=False)["reader"]
        acc_d, base_d = accuracy(refs, hyps_d)
        results["degraded_accuracy"] = acc_d
        print(f"reader on worn scans (tilt ≤0.6°, blur, noise, specks, JPEG 70)  accuracy {acc_d:.4f} "
              f"(base letters {base_d:.4f})  OCR {ocr_d / len(worn):5.2f} s/page   (load {load_average()})")
    if ingest:
        from retriever.embed.factory import make_embedder
        from retriever.settings import Settings

        embedder = make_embedder(Settings(), purpose="ingest")
        typed = _text_layer_pdf(refs)
        _ingest_seconds(typed, "warm-up.pdf", embedder)
        typed_s, typed_chunks = _ingest_seconds(typed, "typed.pdf", embedder)
        scan_s, scan_chunks = _ingest_seconds(scan, "scan.pdf", embedder)
        read_s = _read_seconds(scan, None)
        added = (scan_s - typed_s) / len(pdfs)
        results |= {"ingest_added_s_per_page": added, "read_s_per_page": read_s / len(pdfs)}
        print(f"ingest with {embedder.name}: text-layer PDF {typed_s / len(pdfs):5.2f} s/page ({typed_chunks} "
              f"passages), the same pages scanned {scan_s / len(pdfs):5.2f} s/page ({scan_chunks} passages): a "
              f"scanned page adds {added:5.2f} s to ingest; reading it by OCR alone takes {read_s / len(pdfs):5.2f} "
              f"s/page (POLICYQA_OCR_JOBS={tool_settings(load_settings()).ocr_jobs})   (load {load_average()})")
    if doc_files:
        _doc_routes(doc_files)
    return results


def _tesseract_version() -> str:
    import pytesseract

    from ingest.external import find_program, tool_settings
    from retriever.settings import load_settings

    pytesseract.pytesseract.tesseract_cmd = find_program(tool_settings(load_settings()).tesseract)
    return str(pytesseract.get_tesseract_version())
