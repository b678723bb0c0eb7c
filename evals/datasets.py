"""The labeled question sets, and the one place that knows where ../shared is.

    FILE.jsonl   {"question", "answer_contains": [str], "source"} per line (the sample corpus's seed_dev.jsonl)
    alqac        ALQAC 2022 (../shared/eval/alqac2022): each article a document, source "law_id/article_id"
    uit          UIT regulation QA, SQuAD format (../shared/eval/uit_regulation_train.json): each paragraph a document
    --squad FILE any SQuAD v1.1 file: each paragraph a document, its answers the gold spans

ALQAC and SQuAD answers are spans of their document (`Question.spans`), so a short answer can be scored against
them; seed_dev's answer_contains are strings an answer must hold. `holdout` leaves whole documents out of an
index: the questions about them are then the ones the corpus cannot answer.

Dataset indexes are built through ingest's IngestPipeline, exactly as ingest builds any index.
"""
from __future__ import annotations

import json
import random
import re
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
    spans: bool = False  # answer_contains are gold answer spans of the document (SQuAD, ALQAC)
    answerable: bool = True  # False when every source was left out of the index (holdout)


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
        Question(q["text"], [q["answer"]], {f"{a['law_id']}/{a['article_id']}" for a in q["relevant_articles"]},
                 spans=True)
        for q in json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    ]
    return records, questions


def squad(path: Path):
    """A SQuAD v1.1 file: each paragraph is a document, source "title/paragraph index", answers its gold spans."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    records, questions = [], []
    for entry in data:
        for i, paragraph in enumerate(entry["paragraphs"]):
            source = f"{entry['title']}/{i}"
            records.append(TextRecord(source, entry["title"], paragraph["context"]))
            for qa in paragraph["qas"]:
                answers = [a["text"] for a in qa["answers"] if a["text"].strip()]
                if answers:  # SQuAD 2.0's impossible questions have none: holdout makes unanswerable ones instead
                    questions.append(Question(" ".join(qa["question"].split()), answers, {source}, spans=True))
    return records, questions


def uit():
    """UIT regulation QA (SQuAD format, ../shared/eval/uit_regulation_train.json)."""
    return squad(EVAL / "uit_regulation_train.json")


DATASETS = {"alqac": ("ALQAC 2022", alqac), "uit": ("UIT regulations", uit)}


@dataclass(frozen=True)
class Holdout:
    """Which documents to leave out of a dataset's index: `fraction` of its sources, drawn with `seed`."""

    fraction: float
    seed: int

    @property
    def suffix(self) -> str:
        return f"-holdout{self.fraction:g}-seed{self.seed}"


def left_out_sources(records: list[TextRecord], holdout: Holdout) -> set[str]:
    """The sources `holdout` leaves out of the index."""
    sources = sorted({r.source for r in records})
    return set(random.Random(holdout.seed).sample(sources, round(holdout.fraction * len(sources))))


def unseen_at(records: list[TextRecord], questions: list[Question], holdout: Holdout, other_seed: int):
    """The questions a development run at `other_seed` never saw answered: the answerable ones about documents
    that seed leaves out (it asked them as unanswerable), and every unanswerable one."""
    other = left_out_sources(records, Holdout(holdout.fraction, other_seed))
    return [q for q in questions if not q.answerable or q.sources <= other]


def hold_out(records: list[TextRecord], questions: list[Question], holdout: Holdout | None):
    """The records to index and the questions, those about left-out documents marked unanswerable. A question
    stays answerable while any of its sources is indexed."""
    if holdout is None or holdout.fraction <= 0:
        return records, questions
    left_out = left_out_sources(records, holdout)
    kept = [r for r in records if r.source not in left_out]
    marked = [
        Question(q.question, q.answer_contains, q.sources, q.spans, answerable=bool(q.sources - left_out))
        for q in questions
    ]
    return kept, marked


def load_dataset(name: str, squad_file: Path | None = None):
    """(title, records, questions) of a named dataset, or of a SQuAD file when `squad_file` is given."""
    if squad_file is not None:
        return (Path(squad_file).stem, *squad(squad_file))
    title, loader = DATASETS[name]
    return (title, *loader())


def build_dataset_index(
    name: str, settings: Settings, embedder: Embedder, store: Store, holdout: Holdout | None = None,
    squad_file: Path | None = None,
) -> list[Question]:
    """Bring the dataset's index in `store` up to date (unchanged records are skipped, so after the first run this
    only checks hashes) and return its questions; with a holdout, without the left-out documents."""
    _, records, questions = load_dataset(name, squad_file)
    records, questions = hold_out(records, questions, holdout)
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
    prefix = f"{settings.milvus_collection_prefix}_{re.sub(r'[^A-Za-z0-9_]', '_', dataset)}"
    return settings.model_copy(update={"index_dir": index_dir, "milvus_collection_prefix": prefix})
