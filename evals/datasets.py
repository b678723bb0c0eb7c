"""The labeled question sets, and the one place that knows where ../shared is.

    FILE.jsonl   {"question", "answer_contains": [str], "source"} per line (the sample corpus's seed_dev.jsonl)
    alqac        ALQAC 2022 (../shared/eval/alqac2022): each article a document, source "law_id/article_id"
    uit          UIT regulation QA, SQuAD format (../shared/eval/uit_regulation_train.json): each paragraph a document

Dataset indexes are built through ingest's IngestPipeline, exactly as ingest builds any index.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.pipeline import IngestPipeline, TextRecord
from retriever.embed.base import Embedder
from retriever.settings import Settings
from retriever.store.base import Store

# The steering repository's shared folder sits beside the checkout (CI clones it there too).
SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL = SHARED / "eval"
CACHE = Path("/tmp/policyqa-eval")


@dataclass
class Question:
    question: str
    answer_contains: list[str]
    sources: set[str]


def load_jsonl(path: Path) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Question(row["question"], list(row["answer_contains"]), {row["source"]}))
    return out


def alqac():
    """ALQAC 2022: each article is a document, source "law_id/article_id"; its text is headed "Điều N." as in
    the law itself, so the chunker sees an article."""
    folder = EVAL / "alqac2022"
    laws = json.loads((folder / "law.json").read_text(encoding="utf-8"))
    records = []
    for law in laws:
        for article in law["articles"]:
            text = f"Điều {article['id']}. {article['text']}"
            records.append(TextRecord(f"{law['id']}/{article['id']}", text.split("\n", 1)[0], text))
    questions = [
        Question(q["text"], [q["answer"]], {f"{a['law_id']}/{a['article_id']}" for a in q["relevant_articles"]})
        for q in json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    ]
    return records, questions


def uit():
    """UIT regulation QA (SQuAD format): each paragraph is a document, source "title/paragraph index"."""
    data = json.loads((EVAL / "uit_regulation_train.json").read_text(encoding="utf-8"))["data"]
    records, questions = [], []
    for entry in data:
        for i, paragraph in enumerate(entry["paragraphs"]):
            source = f"{entry['title']}/{i}"
            records.append(TextRecord(source, entry["title"], paragraph["context"]))
            for qa in paragraph["qas"]:
                questions.append(Question(qa["question"], [a["text"] for a in qa["answers"]], {source}))
    return records, questions


DATASETS = {"alqac": ("ALQAC 2022", alqac), "uit": ("UIT regulations", uit)}


def build_dataset_index(name: str, settings: Settings, embedder: Embedder, store: Store) -> list[Question]:
    """Bring the dataset's index in `store` up to date (unchanged records are skipped, so after the first run this
    only checks hashes) and return its questions."""
    records, questions = DATASETS[name][1]()
    started = time.perf_counter()
    report = IngestPipeline(settings, embedder, store).run_records(records, progress=sys.stderr.isatty())
    print(f"{name} index at {store.where}: {report.summary()} ({time.perf_counter() - started:.1f} s)",
          file=sys.stderr)
    return questions


def dataset_settings(settings: Settings, dataset: str, index: Path | None) -> Settings:
    """Settings whose store (settings.store) holds the dataset's index, apart from every other index: a folder
    under CACHE unless `index` names one, and for Milvus a Lite file there or a collection prefix of its own."""
    if settings.store == "faiss":
        return settings.model_copy(update={"index_dir": index or CACHE / dataset})
    from retriever.store.milvus import is_lite

    index_dir = index or CACHE / f"{dataset}-milvus"
    if is_lite(settings.milvus_uri):
        return settings.model_copy(update={"index_dir": index_dir, "milvus_uri": str(index_dir / "milvus.db")})
    prefix = f"{settings.milvus_collection_prefix}_{dataset}"
    return settings.model_copy(update={"index_dir": index_dir, "milvus_collection_prefix": prefix})
