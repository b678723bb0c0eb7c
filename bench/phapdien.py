"""Reader for the Bộ Pháp điển (../shared/corpus_large/phapdien_articles.jsonl.gz): one article, one document.

The file is read where it lies (never copied into the project). Each article becomes a TextRecord with
source = its `id`, title = its `title`, text = its `text`; the 393 articles without text are skipped.
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from evals.datasets import SHARED
from ingest.pipeline import TextRecord

REPO = Path(__file__).resolve().parents[1]
PHAPDIEN = SHARED / "corpus_large" / "phapdien_articles.jsonl.gz"
ARTICLES = 62_323
EMPTY = 393


def read_phapdien(path: Path = PHAPDIEN, limit: int | None = None) -> Iterator[TextRecord]:
    """Articles with text, in file order, at most `limit` of them."""
    n = 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if limit is not None and n >= limit:
                return
            if not line.strip():
                continue
            row = json.loads(line)
            text = (row.get("text") or "").strip()
            if not text:
                continue
            n += 1
            yield TextRecord(source=str(row["id"]), title=row.get("title") or "", text=text)


def passages(limit: int, length: int = 700, path: Path = PHAPDIEN, stride: int = 7) -> list[str]:
    """`limit` passages of about `length` characters (cut at a space), from every `stride`-th article long
    enough; for embedding benchmarks that need same-size inputs."""
    out: list[str] = []
    for i, rec in enumerate(read_phapdien(path)):
        if i % stride or len(rec.text) < length:
            continue
        cut = rec.text.rfind(" ", 0, length)
        out.append(rec.text[: cut if cut > length // 2 else length])
        if len(out) >= limit:
            break
    return out
