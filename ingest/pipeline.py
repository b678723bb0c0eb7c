"""read → normalize → extract metadata → chunk → embed → write, skipping files whose content is unchanged."""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest.chunking import chunk_text
from ingest.external import tool_settings
from ingest.metadata import extract_article
from ingest.ocr import OcrStats, OcrUnavailable
from ingest.readers import ReadResult, UnreadableFile, read_document, supported
from retriever.embed.base import Embedder
from retriever.settings import Settings
from retriever.store.base import Store, VectorStoreWriter
from retriever.store.factory import open_store
from retriever.text.normalize import normalize
from retriever.text.passages import passage_with_context
from retriever.types import Chunk, Document, NearDuplicate

# Bump when reading, cleaning or chunking changes, so that every file is processed again.
PIPELINE_VERSION = "4"  # 3: HTML/PDF/DOCX, legacy encodings, legal metadata; 4: OCR, .doc/.rtf/.odt, tables, PDF reflow


@dataclass
class TextRecord:
    """A document given as text rather than as a file (evaluation sets, records from another store)."""

    source: str
    title: str
    text: str
    url: str | None = None


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    unreadable: list[str] = field(default_factory=list)  # sources among skipped of a format we read, yet unreadable
    notes: list[tuple[str, str]] = field(default_factory=list)  # (source, remark), e.g. pages without text
    chunks: int = 0
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    version: str | None = None
    ocr: list[tuple[str, OcrStats]] = field(default_factory=list)  # (source, what OCR did) for each OCR'd file
    # Why OCR could not run (Tesseract missing), with the files skipped and the files read without their scans.
    ocr_unavailable: str | None = None
    ocr_skipped: int = 0
    ocr_partial: int = 0

    def summary(self) -> str:
        lines = [
            f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"deleted {len(self.deleted)}, skipped {len(self.skipped)}; {self.chunks} new chunks"
        ]
        lines += [f"  skipped {src}: {why}" for src, why in self.skipped]
        lines += [f"  note {src}: {note}" for src, note in self.notes]
        for src, stats in self.ocr:
            confidence = f"mean confidence {stats.confidence:.0f}%" if stats.confidence is not None else "no text"
            lines.append(f"  OCR {src}: {stats.pages} page{'s' * (stats.pages != 1)}, {confidence}, "
                         f"{stats.seconds:.1f} s")
        if self.ocr_unavailable:
            lines.append(f"OCR unavailable, {self.ocr_skipped} files skipped and {self.ocr_partial} read without "
                         f"their scanned pages: {self.ocr_unavailable}")
        lines += [
            f"  near-duplicate: {d.source} repeats {d.other} ({d.similarity:.0%} of wording shared)"
            for d in self.near_duplicates
        ]
        lines.append(f"index version: {self.version}" if self.version else "index unchanged")
        return "\n".join(lines)


def doc_id_for(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def discover(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files under the given paths with their source names (relative to the folder given)."""
    found: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                rel = p.relative_to(root)
                if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                    found.append((p, rel.as_posix()))
        elif root.is_file():
            found.append((root, root.name))
        else:
            raise FileNotFoundError(f"no such file or folder: {root}")
    return found


class IngestPipeline:
    """Writes files or text records into the store, through one writer transaction per run (or per slice of a
    long record stream)."""

    def __init__(self, settings: Settings, embedder: Embedder, store: Store | None = None):
        self.settings = settings
        self.embedder = embedder
        self.store = store or open_store(settings)
        self.tools = tool_settings(settings)

    def _fingerprint(self) -> bytes:
        s = self.settings
        return f"{PIPELINE_VERSION}|{self.embedder.name}|{s.chunk_size}|{s.chunk_overlap}".encode()

    def prepare(self, source: str, read: ReadResult, content_hash: str) -> tuple[Document, list[Chunk]]:
        """Turn one file's text into a document and its chunks."""
        meta = extract_article(normalize(read.text), read.hints)
        if not meta.body:
            raise UnreadableFile("no text")
        doc_id = doc_id_for(source)
        doc = Document(
            doc_id=doc_id,
            source=source,
            title=meta.title,
            text=meta.body,
            url=meta.url,
            publisher=meta.publisher,
            content_hash=content_hash,
            **meta.metadata(),
        )
        return doc, chunk_text(doc_id, meta.body, self.settings.chunk_size, self.settings.chunk_overlap)

    def passage_text(self, doc: Document, chunk: Chunk) -> str:
        """What is embedded: the title and section path give every passage its topic (BM25 indexes the same)."""
        return passage_with_context(doc.title, chunk.section, chunk.text)

    def _writer(self) -> VectorStoreWriter:
        return self.store.open_writer(self.embedder.name, self.embedder.dim)

    def delete(self, sources: list[str]) -> IngestReport:
        """Remove documents and all their passages; a source that is not indexed is reported as skipped."""
        report = IngestReport()
        with self._writer() as writer:
            for source in sources:
                if writer.delete(source):
                    report.deleted.append(source)
                else:
                    report.skipped.append((source, "not in the index"))
            if writer.changed:
                report.version = writer.commit()
        return report

    def run(self, paths: list[Path], progress: bool = False) -> IngestReport:
        report = IngestReport()
        files = discover(paths)
        with self._writer() as writer:
            bar = tqdm(files, desc="ingest", unit="file", disable=not progress, file=sys.stderr)
            for path, source in bar:
                bar.set_postfix_str(f"{report.chunks} chunks", refresh=False)
                if not supported(path):
                    report.skipped.append((source, f"unsupported file type {path.suffix or '(none)'}"))
                    continue
                try:
                    data = path.read_bytes()
                    content_hash = hashlib.sha256(self._fingerprint() + b"\0" + data).hexdigest()
                    previous = writer.content_hash(source)
                    if previous == content_hash:
                        report.unchanged.append(source)
                        continue
                    read = read_document(path, data, progress=progress, tools=self.tools)
                    doc, chunks = self.prepare(source, read, content_hash)
                    report.notes += [(source, note) for note in read.notes]
                except OcrUnavailable as e:
                    report.skipped.append((source, str(e)))
                    report.ocr_unavailable, report.ocr_skipped = e.reason, report.ocr_skipped + 1
                    continue
                except (UnreadableFile, OSError) as e:
                    report.skipped.append((source, str(e)))
                    report.unreadable.append(source)
                    continue
                if read.ocr:
                    report.ocr.append((source, read.ocr))
                if read.ocr_missing:
                    report.ocr_unavailable, report.ocr_partial = read.ocr_missing, report.ocr_partial + 1
                vectors = self.embedder.embed_passages([self.passage_text(doc, c) for c in chunks])
                writer.upsert(doc, chunks, vectors)
                report.chunks += len(chunks)
                (report.updated if previous else report.added).append(source)
            if writer.changed:
                report.near_duplicates = writer.near_duplicates(self.settings.near_duplicate_threshold)
                report.version = writer.commit()
        return report

    def run_records(self, records: Iterable[TextRecord], progress: bool = False) -> IngestReport:
        """Like run(), for documents given as text. The text is taken as clean: no page furniture is removed.

        Passages of several records are embedded together (`ingest_group_passages` at a time, so the embedder can
        sort them by length), and a long stream is committed every `ingest_commit_every` written documents: a
        run stopped after hours keeps what it committed, and running it again skips those by their hash."""
        report = IngestReport()
        records = iter(records)
        bar = tqdm(desc="ingest", unit="doc", disable=not progress, file=sys.stderr)
        done = False
        while not done:
            with self._writer() as writer:
                done = self._write_records(writer, records, report, bar)
                if writer.changed:
                    report.near_duplicates += writer.near_duplicates(self.settings.near_duplicate_threshold)
                    report.version = writer.commit()
        bar.close()
        return report

    def _write_records(
        self, writer: VectorStoreWriter, records: Iterator[TextRecord], report: IngestReport, bar
    ) -> bool:
        """Write records until `ingest_commit_every` documents are written (False) or the records end (True)."""
        pending: list[tuple[Document, list[Chunk], bool]] = []
        written = 0

        def write_pending() -> None:
            passages = [self.passage_text(doc, c) for doc, chunks, _ in pending for c in chunks]
            vectors = self.embedder.embed_passages(passages)
            offset = 0
            for doc, chunks, updated in pending:
                writer.upsert(doc, chunks, vectors[offset : offset + len(chunks)])
                offset += len(chunks)
                report.chunks += len(chunks)
                (report.updated if updated else report.added).append(doc.source)
            pending.clear()

        every = self.settings.ingest_commit_every
        for record in records:
            bar.update()
            title, text = normalize(record.title), normalize(record.text)
            if not text:
                report.skipped.append((record.source, "no text"))
                continue
            content = f"{title}\0{text}".encode()
            content_hash = hashlib.sha256(self._fingerprint() + b"\0" + content).hexdigest()
            previous = writer.content_hash(record.source)
            if previous == content_hash:
                report.unchanged.append(record.source)
                continue
            doc = Document(
                doc_id=doc_id_for(record.source),
                source=record.source,
                title=title,
                text=text,
                url=record.url,
                content_hash=content_hash,
            )
            chunks = chunk_text(doc.doc_id, text, self.settings.chunk_size, self.settings.chunk_overlap)
            pending.append((doc, chunks, previous is not None))
            written += 1
            if sum(len(c) for _, c, _ in pending) >= self.settings.ingest_group_passages:
                write_pending()
            if every and written >= every:
                write_pending()
                return False
        write_pending()
        return True
