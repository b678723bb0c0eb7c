"""python -m evals.evaluate: measure retrieval and answers on labeled questions, through the same Engine the
API serves.

    python -m evals.evaluate FILE.jsonl [--index DIR]     {"question", "answer_contains": [str], "source"}
    python -m evals.evaluate --dataset alqac|uit           public sets in ../shared/eval, indexed on demand
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

Dataset indexes are built once, through IngestPipeline (evals/datasets.py), under /tmp/policyqa-eval/<dataset>/ (the Milvus store:
/tmp/policyqa-eval/<dataset>-milvus/, a Milvus Lite file there unless POLICYQA_MILVUS_URI names a server, where
the collections are prefixed with the dataset); passage and query vectors are cached there too (keyed by text),
so no text is embedded twice across runs, re-chunkings and stores.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from evals.cache import CachedEmbedder
from evals.datasets import (
    CACHE,
    DATASETS,
    Question,
    build_dataset_index,
    dataset_settings,
    load_jsonl,
)
from evals.metrics import answer_contains, ranking_metrics
from retriever.embed.factory import make_embedder
from retriever.engine import Engine
from retriever.settings import load_settings
from retriever.store.factory import open_store
from retriever.text.normalize import fold

MODES = ("dense", "bm25", "hybrid")
STORES = ("faiss", "milvus")


def _relevant_passages(engine: Engine, doc_ids: dict[str, str], q: Question) -> set[str]:
    """Texts of the gold documents' passages that contain an answer string, or all of them when none does."""
    texts = [t for s in q.sources if s in doc_ids for t in engine.reader.chunk_texts(doc_ids[s])]
    with_answer = {t for t in texts if answer_contains(t, q.answer_contains)}
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
            row["answer contains"] = float(answer.found and answer_contains(answer.answer, q.answer_contains))
            row["citation has source"] = float(any(c.hit.source in q.sources for c in answer.citations))
        row["hit@1"] = float(any(h.source in q.sources for h in hits[:1]))
        row["hit@5"] = float(any(h.source in q.sources for h in hits[:5]))
        documents = list(dict.fromkeys(h.source for h in hits))
        row |= ranking_metrics([d in q.sources for d in documents], len(q.sources), "document")
        relevant = _relevant_passages(engine, doc_ids, q)
        row |= ranking_metrics([h.source in q.sources and h.text in relevant for h in hits], len(relevant), "passage")
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
    parser = argparse.ArgumentParser(prog="python -m evals.evaluate", description=__doc__.split("\n\n")[0])
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
            store_settings = dataset_settings(store_settings, args.dataset, args.index)
            opened = open_store(store_settings)
            questions = build_dataset_index(args.dataset, store_settings, embedder, opened)
            title = DATASETS[args.dataset][0]
        else:
            opened, questions, title = open_store(store_settings), load_jsonl(args.file), args.file.name
        if args.strip_diacritics:
            questions = [Question(fold(q.question), q.answer_contains, q.sources) for q in questions]
        engine = Engine(store_settings, embedder=embedder, store=opened)
        for m in modes:
            column = f"{store} {m}" if len(stores) > 1 else m
            results[column] = evaluate(engine, questions, m, not args.search_only, top_k)
        passages.append(f"{engine.chunk_count} passages" + (f" in {store}" if len(stores) > 1 else ""))
    print(format_table(f"{title}: {len(questions)} questions, {accents}; {', '.join(passages)}", results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
