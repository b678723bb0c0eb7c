"""python -m retriever.evaluate: measure retrieval and answers on labeled questions, through the same Engine the
API serves.

    python -m retriever.evaluate FILE.jsonl [--index DIR]     {"question", "answer_contains": [str], "source"}
    python -m retriever.evaluate --dataset alqac|uit           public sets in ../shared/eval, indexed on demand
    options: --mode dense,bm25,hybrid (one column each)   --store faiss,milvus (one column each per mode)
             --strip-diacritics   --search-only

Metrics, each averaged over questions:
- answer contains: /ask found an answer and its text contains one of answer_contains (case-insensitive);
- citation has source: a citation of that answer is from a gold source;
- hit@1, hit@5: a gold source is among the first 1 / 5 search hits;
- document Recall@k, MRR@10, nDCG@10: over the distinct documents of the hits in order (binary relevance);
- passage Recall@k, MRR@10, nDCG@10: over the passages; a relevant passage is one of a gold document that
  contains an answer string, or any passage of a gold document when none contains one (paraphrased answers);
- search ms/question: wall time of one search; query vectors come from the cache once computed, so after the
  first run this is the cost of search alone, without embedding the query.

Dataset indexes are built once, through IngestPipeline, under /tmp/policyqa-eval/<dataset>/ (the Milvus store:
/tmp/policyqa-eval/<dataset>-milvus/, a Milvus Lite file there unless POLICYQA_MILVUS_URI names a server, where
the collections are prefixed with the dataset); passage and query vectors are cached there too (keyed by text),
so no text is embedded twice across runs, re-chunkings and stores.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retriever.embedders import Embedder, make_embedder
from retriever.engine import Engine
from retriever.settings import Settings, load_settings
from retriever.text import fold, normalize

SHARED = Path(__file__).resolve().parents[2] / "shared"
CACHE = Path("/tmp/policyqa-eval")
MODES = ("dense", "bm25", "hybrid")
STORES = ("faiss", "milvus")
KS = (1, 5, 10)


@dataclass
class Question:
    question: str
    answer_contains: list[str]
    sources: set[str]


class CachedEmbedder:
    """An embedder that remembers every vector it computed, in SQLite (float32 bytes), keyed by text."""

    def __init__(self, inner: Embedder, path: Path):
        self.inner = inner
        self.name = inner.name  # vectors are the inner model's, so the index accepts them
        self.dim = inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def _key(self, kind: str, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{kind}\0{text}".encode()).hexdigest()

    def _embed(self, kind: str, texts: list[str]) -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            batch = keys[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch
            ).fetchall()
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
        if todo:
            embed = self.inner.embed_queries if kind == "query" else self.inner.embed_passages
            new = embed(todo)
            rows = [(self._key(kind, t), v.astype(np.float32).tobytes()) for t, v in zip(todo, new)]
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            self._db.commit()
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return np.vstack([found[k] for k in keys]) if keys else np.zeros((0, self.dim), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed("query", texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed("passage", texts)


# -- question sets ------------------------------------------------------------------------------------------------
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
    from ingest.pipeline import TextRecord

    folder = SHARED / "eval" / "alqac2022"
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
    from ingest.pipeline import TextRecord

    data = json.loads((SHARED / "eval" / "uit_regulation_train.json").read_text(encoding="utf-8"))["data"]
    records, questions = [], []
    for entry in data:
        for i, paragraph in enumerate(entry["paragraphs"]):
            source = f"{entry['title']}/{i}"
            records.append(TextRecord(source, entry["title"], paragraph["context"]))
            for qa in paragraph["qas"]:
                questions.append(Question(qa["question"], [a["text"] for a in qa["answers"]], {source}))
    return records, questions


DATASETS = {"alqac": ("ALQAC 2022", alqac), "uit": ("UIT regulations", uit)}


def build_dataset_index(name: str, index_dir: Path, settings: Settings, embedder: Embedder) -> list[Question]:
    """Bring the dataset's index up to date (unchanged records are skipped, so after the first run this only
    checks hashes) and return its questions."""
    # The one place retriever uses ingest: an evaluation index must be built exactly as ingest builds one.
    from ingest.pipeline import IngestPipeline

    records, questions = DATASETS[name][1]()
    started = time.perf_counter()
    report = IngestPipeline(settings, embedder).run_records(records, index_dir, progress=sys.stderr.isatty())
    print(f"{name} index at {index_dir}: {report.summary()} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return questions


# -- metrics ------------------------------------------------------------------------------------------------------
def _contains(text: str, needles: list[str]) -> bool:
    text = normalize(text).lower()
    return any(normalize(n).lower() in text for n in needles if n.strip())


def _ranking_metrics(ranked_relevance: list[bool], n_relevant: int, prefix: str) -> dict[str, float]:
    out = {}
    for k in KS:
        out[f"{prefix} Recall@{k}"] = sum(ranked_relevance[:k]) / n_relevant if n_relevant else 0.0
    first = next((i for i, r in enumerate(ranked_relevance[:10]) if r), None)
    out[f"{prefix} MRR@10"] = 1 / (first + 1) if first is not None else 0.0
    dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(ranked_relevance[:10]) if r)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(n_relevant, 10)))
    out[f"{prefix} nDCG@10"] = dcg / idcg if idcg else 0.0
    return out


def _relevant_passages(engine: Engine, doc_ids: dict[str, str], q: Question) -> set[str]:
    """Texts of the gold documents' passages that contain an answer string, or all of them when none does."""
    texts = [t for s in q.sources if s in doc_ids for t in engine.reader.chunk_texts(doc_ids[s])]
    with_answer = {t for t in texts if _contains(t, q.answer_contains)}
    return with_answer or set(texts)


def evaluate(engine: Engine, questions: list[Question], mode: str, answers: bool, top_k: int) -> dict[str, float]:
    totals: dict[str, float] = {}
    search_seconds = 0.0
    doc_ids = {d.source: d.doc_id for d in engine.documents()}
    for q in questions:
        started = time.perf_counter()
        hits = engine.search(q.question, 10, mode)
        search_seconds += time.perf_counter() - started
        row: dict[str, float] = {}
        if answers:
            answer = engine.ask(q.question, top_k, mode)
            row["answer contains"] = float(answer.found and _contains(answer.answer, q.answer_contains))
            row["citation has source"] = float(any(c.hit.source in q.sources for c in answer.citations))
        row["hit@1"] = float(any(h.source in q.sources for h in hits[:1]))
        row["hit@5"] = float(any(h.source in q.sources for h in hits[:5]))
        documents = list(dict.fromkeys(h.source for h in hits))
        row |= _ranking_metrics([d in q.sources for d in documents], len(q.sources), "document")
        relevant = _relevant_passages(engine, doc_ids, q)
        row |= _ranking_metrics([h.source in q.sources and h.text in relevant for h in hits], len(relevant), "passage")
        for key, value in row.items():
            totals[key] = totals.get(key, 0.0) + value
    n = max(len(questions), 1)
    result = {key: value / n for key, value in totals.items()}
    result["search ms/question"] = 1000 * search_seconds / n
    return result


def format_table(title: str, results: dict[str, dict[str, float]]) -> str:
    modes = list(results)
    keys = list(next(iter(results.values())))
    width = max(len(k) for k in keys) + 2
    cell = max(10, *(len(m) + 2 for m in modes))
    lines = [title, " " * width + "".join(f"{m:>{cell}}" for m in modes)]
    for key in keys:
        cells = "".join(
            f"{results[m][key]:>{cell}.1f}" if key.endswith("ms/question") else f"{results[m][key]:>{cell}.3f}"
            for m in modes
        )
        lines.append(f"{key:<{width}}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retriever.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help='JSONL of {"question", "answer_contains", "source"}')
    parser.add_argument("--dataset", choices=sorted(DATASETS), help="a public set from ../shared/eval instead")
    parser.add_argument("--index", type=Path, help="index folder (default for FILE: $POLICYQA_INDEX_DIR or data/index; "
                        "for a dataset: /tmp/policyqa-eval/<dataset>)")
    parser.add_argument("--mode", default=None, help="comma list of dense,bm25,hybrid (default: the configured one)")
    parser.add_argument("--store", default=None, help="comma list of faiss,milvus: the same index in each store, "
                        "side by side (default: the configured one)")
    parser.add_argument("--strip-diacritics", action="store_true", help="ask every question without diacritics")
    parser.add_argument("--search-only", action="store_true", help="skip /ask: retrieval metrics only")
    parser.add_argument("--top-k", type=int, default=None, help="passages given to the answerer (default_top_k)")
    args = parser.parse_args(argv)
    if bool(args.file) == bool(args.dataset):
        parser.error("give either FILE or --dataset")

    settings = load_settings(index_dir=args.index)
    modes = args.mode.split(",") if args.mode else [settings.search_mode]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode {', '.join(unknown)}; choose from {', '.join(MODES)}")
    stores = args.store.split(",") if args.store else [settings.store]
    unknown = [s for s in stores if s not in STORES]
    if unknown:
        parser.error(f"unknown store {', '.join(unknown)}; choose from {', '.join(STORES)}")
    embedder = CachedEmbedder(make_embedder(settings), CACHE / "vectors.sqlite")
    top_k = args.top_k or settings.default_top_k
    accents = "without diacritics" if args.strip_diacritics else "as written"
    results, passages = {}, []
    for store in stores:
        store_settings = settings.model_copy(update={"store": store})
        if args.dataset:
            store_settings, index_dir = dataset_store(store_settings, args.dataset, args.index)
            questions = build_dataset_index(args.dataset, index_dir, store_settings, embedder)
            title = DATASETS[args.dataset][0]
        else:
            index_dir, questions, title = settings.index_dir, load_jsonl(args.file), args.file.name
        if args.strip_diacritics:
            questions = [Question(fold(q.question), q.answer_contains, q.sources) for q in questions]
        engine = Engine(store_settings, embedder=embedder, index_dir=index_dir)
        for m in modes:
            column = f"{store} {m}" if len(stores) > 1 else m
            results[column] = evaluate(engine, questions, m, not args.search_only, top_k)
        passages.append(f"{engine.chunk_count} passages" + (f" in {store}" if len(stores) > 1 else ""))
    print(format_table(f"{title}: {len(questions)} questions, {accents}; {', '.join(passages)}", results))
    return 0


def dataset_store(settings: Settings, dataset: str, index: Path | None) -> tuple[Settings, Path]:
    """Settings and index folder of a dataset's index in settings.store, kept apart from every other index."""
    if settings.store == "faiss":
        return settings, index or CACHE / dataset
    from retriever.milvus_store import is_lite

    index_dir = index or CACHE / f"{dataset}-milvus"
    if is_lite(settings.milvus_uri):
        return settings.model_copy(update={"milvus_uri": str(index_dir / "milvus.db")}), index_dir
    prefix = f"{settings.milvus_collection_prefix}_{dataset}"
    return settings.model_copy(update={"milvus_collection_prefix": prefix}), index_dir


if __name__ == "__main__":
    sys.exit(main())
