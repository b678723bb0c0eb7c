"""python -m evals.evaluate: measure answers and retrieval on labeled questions, through the same Engine the
API serves.

    python -m evals.evaluate FILE.jsonl [--index DIR]     {"question", "answer_contains": [str], "source"}
    python -m evals.evaluate --dataset alqac|uit           public sets in ../shared/eval, indexed on demand
    python -m evals.evaluate --squad FILE.json             any SQuAD v1.1 file, each paragraph a document
    options: --holdout 0.2 --seed N (leave that share of whole documents out of the index)
             --unseen-at M (with --holdout: only the answerable questions a run at seed M asked as unanswerable)
             --mode dense,bm25,hybrid (one column each)   --store faiss,milvus (one column each per mode)
             --variant full,lexical (answerer versions, one column each)
             --strip-diacritics   --search-only

Answer metrics, over the answerable questions (all of them without --holdout):
- answer contains: /ask found an answer and its text contains one of answer_contains (case-insensitive); on
  SQuAD and ALQAC these are the gold spans, so this is "gold answer inside answer";
- citation has source: a citation of that answer is from a gold source;
- false refusals: found is false although a gold document is indexed;
- answer chars p50, p90: length of the answer text (markers included) of the answers given;
- short EM, short F1 (sets with gold spans): exact match and token F1 (syllables) against the gold span of the
  short answer, or where short_answer is null of the answer's first quoted clause (what a reader sees first);
  short given: share of answers with a short_answer;
and over the questions whose every gold document was left out (--holdout): refused (left out).

Answer rules are developed by reading the answers at one seed (1); at another seed (2) most answerable questions
are the same ones. --unseen-at 1 keeps, of seed 2's answerable questions, those about the documents seed 1 left
out: questions whose answers development never read, the held-out measure of the answer rules themselves.

Retrieval metrics, over the answerable questions:
- hit@1, hit@5: a gold source is among the first 1 / 5 search hits;
- document Recall@k, MRR@10, nDCG@10: over the distinct documents of the hits in order (binary relevance);
- passage Recall@k, MRR@10, nDCG@10: over the passages; a relevant passage is one of a gold document that
  contains an answer string, or any passage of a gold document when none contains one (paraphrased answers);
- search ms/question: wall time of one search; query vectors come from the cache once computed, so after the
  first run this is the cost of search alone, without embedding the query.

Dataset indexes are built once, through IngestPipeline (evals/datasets.py), under /tmp/policyqa-eval/<dataset>/
(with a holdout <dataset>-holdout0.2-seedN/; the Milvus store: <dataset>-milvus/, a Milvus Lite file there unless
POLICYQA_MILVUS_URI names a server, where the collections are prefixed with the dataset); passage, sentence and
query vectors are cached there too (keyed by text), so no text is embedded twice across runs, re-chunkings and
stores.
"""
from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import sys
import time
from pathlib import Path

from evals.cache import CachedEmbedder
from evals.datasets import (
    CACHE,
    DATASETS,
    Holdout,
    Question,
    build_dataset_index,
    dataset_settings,
    load_dataset,
    load_jsonl,
    unseen_at,
)
from evals.metrics import answer_contains, exact_match, ranking_metrics, token_f1
from retriever.embed.factory import make_embedder
from retriever.engine import Engine
from retriever.settings import load_settings
from retriever.store.factory import open_store
from retriever.text.normalize import fold
from retriever.types import Answer

MODES = ("dense", "bm25", "hybrid")
STORES = ("faiss", "milvus")
# Answerer versions compared side by side: settings overrides (full: as configured).
VARIANTS: dict[str, dict] = {"full": {}, "lexical": {"answer_semantic": False}}


def _relevant_passages(engine: Engine, doc_ids: dict[str, str], q: Question) -> set[str]:
    """Texts of the gold documents' passages that contain an answer string, or all of them when none does."""
    texts = [t for s in q.sources if s in doc_ids for t in engine.reader.chunk_texts(doc_ids[s])]
    with_answer = {t for t in texts if answer_contains(t, q.answer_contains)}
    return with_answer or set(texts)


def lead(answer: Answer) -> str:
    """What a reader takes as the answer: the short answer, else the first quoted piece without its marker."""
    short = getattr(answer, "short_answer", None)
    if short is not None:
        return short.text
    first = re.split(r"\[\d+\]", answer.answer, maxsplit=1)[0]
    return first.strip()


def _answer_row(answer: Answer, q: Question) -> dict[str, float]:
    if not q.answerable:
        return {"refused (left out)": float(not answer.found)}
    row = {
        "answer contains": float(answer.found and answer_contains(answer.answer, q.answer_contains)),
        "citation has source": float(any(c.hit.source in q.sources for c in answer.citations)),
        "false refusals": float(not answer.found),
    }
    if q.spans:
        predicted = lead(answer) if answer.found else ""
        row["short EM"] = exact_match(predicted, q.answer_contains)
        row["short F1"] = token_f1(predicted, q.answer_contains)
        row["short given"] = float(answer.found and getattr(answer, "short_answer", None) is not None)
    return row


def evaluate(engine: Engine, questions: list[Question], mode: str, answers: bool, top_k: int) -> dict[str, float]:
    """Each metric averaged over the questions it is defined on (see the module's docstring)."""
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    lengths: list[int] = []
    search_seconds = 0.0
    doc_ids = {d.source: d.doc_id for d in engine.documents()}
    answerable = [q for q in questions if q.answerable]
    for q in questions:
        row: dict[str, float] = {}
        if answers:
            answer = engine.ask(q.question, top_k, mode)
            row |= _answer_row(answer, q)
            if answer.found and q.answerable:
                lengths.append(len(answer.answer))
        if q.answerable:
            started = time.perf_counter()
            hits = engine.search(q.question, 10, mode)
            search_seconds += time.perf_counter() - started
            row["hit@1"] = float(any(h.source in q.sources for h in hits[:1]))
            row["hit@5"] = float(any(h.source in q.sources for h in hits[:5]))
            documents = list(dict.fromkeys(h.source for h in hits))
            row |= ranking_metrics([d in q.sources for d in documents], len(q.sources), "document")
            relevant = _relevant_passages(engine, doc_ids, q)
            row |= ranking_metrics([h.source in q.sources and h.text in relevant for h in hits], len(relevant),
                                   "passage")
        for key, value in row.items():
            totals[key] = totals.get(key, 0.0) + value
            counts[key] = counts.get(key, 0) + 1
    result = {key: value / counts[key] for key, value in totals.items()}
    if answers:
        # Rows in a fixed order: answers first, then retrieval.
        answer_keys = ["answer contains", "citation has source", "false refusals", "short EM", "short F1",
                       "short given", "refused (left out)"]
        ordered = {k: result[k] for k in answer_keys if k in result}
        ordered["answer chars p50"] = statistics.median(lengths) if lengths else 0.0
        ordered["answer chars p90"] = _percentile(lengths, 90)
        result = ordered | {k: v for k, v in result.items() if k not in ordered}
    result["search ms/question"] = 1000 * search_seconds / max(len(answerable), 1)
    return result


def _percentile(values: list[int], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))])


def format_table(title: str, results: dict[str, dict[str, float]]) -> str:
    modes = list(results)
    keys = list(next(iter(results.values())))
    width = max(len(k) for k in keys) + 2
    cell = max(10, *(len(m) + 2 for m in modes))
    lines = [title, " " * width + "".join(f"{m:>{cell}}" for m in modes)]
    for key in keys:
        cells = "".join(
            f"{results[m].get(key, float('nan')):>{cell}.1f}" if key.endswith(("ms/question", "p50", "p90"))
            else f"{results[m].get(key, float('nan')):>{cell}.3f}"
            for m in modes
        )
        lines.append(f"{key:<{width}}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help='JSONL of {"question", "answer_contains", "source"}')
    parser.add_argument("--dataset", choices=sorted(DATASETS), help="a public set from ../shared/eval instead")
    parser.add_argument("--squad", type=Path, help="a SQuAD v1.1 file instead (each paragraph a document)")
    parser.add_argument("--holdout", type=float, default=0.0,
                        help="share of whole documents left out of the dataset's index (their questions become "
                        "the unanswerable ones)")
    parser.add_argument("--seed", type=int, default=0, help="which documents --holdout leaves out")
    parser.add_argument("--unseen-at", type=int, default=None, metavar="SEED",
                        help="with --holdout: answer metrics only over the answerable questions about the documents "
                        "that seed leaves out (never seen answered by a development run at that seed)")
    parser.add_argument("--variant", default="full", help=f"comma list of answerer versions: {', '.join(VARIANTS)}")
    parser.add_argument("--index", type=Path, help="index folder (default for FILE: $POLICYQA_INDEX_DIR or data/index; "
                        "for a dataset: /tmp/policyqa-eval/<dataset>)")
    parser.add_argument("--mode", default=None, help="comma list of dense,bm25,hybrid (default: the configured one)")
    parser.add_argument("--store", default=None, help="comma list of faiss,milvus: the same index in each store, "
                        "side by side (default: the configured one)")
    parser.add_argument("--strip-diacritics", action="store_true", help="ask every question without diacritics")
    parser.add_argument("--search-only", action="store_true", help="skip /ask: retrieval metrics only")
    parser.add_argument("--top-k", type=int, default=None, help="passages given to the answerer (default_top_k)")
    args = parser.parse_args(argv)
    if sum(map(bool, (args.file, args.dataset, args.squad))) != 1:
        parser.error("give one of FILE, --dataset or --squad")
    if args.holdout and args.file:
        parser.error("--holdout needs --dataset or --squad")
    if args.unseen_at is not None and (not args.holdout or args.unseen_at == args.seed):
        parser.error("--unseen-at needs --holdout and a seed other than --seed")
    variants = args.variant.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")

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
    holdout = Holdout(args.holdout, args.seed) if args.holdout else None
    results, passages = {}, []
    for store in stores:
        store_settings = settings.model_copy(update={"store": store})
        if args.dataset or args.squad:
            name = args.dataset or f"squad-{args.squad.stem}"
            title, records, _ = load_dataset(args.dataset, args.squad)
            store_settings = dataset_settings(store_settings, name + (holdout.suffix if holdout else ""), args.index)
            opened = open_store(store_settings)
            questions = build_dataset_index(name, store_settings, embedder, opened, holdout, args.squad)
            if args.unseen_at is not None:
                questions = unseen_at(records, questions, holdout, args.unseen_at)
                title += f", answerable questions only those about the documents seed {args.unseen_at} leaves out"
        else:
            opened, questions, title = open_store(store_settings), load_jsonl(args.file), args.file.name
        if args.strip_diacritics:
            questions = [dataclasses.replace(q, question=fold(q.question)) for q in questions]
        for variant in variants:
            engine = Engine(store_settings.model_copy(update=VARIANTS[variant]), embedder=embedder, store=opened)
            for m in modes:
                column = " ".join(
                    part for part, shown in ((store, len(stores) > 1), (m, True), (variant, len(variants) > 1)) if shown
                )
                results[column] = evaluate(engine, questions, m, not args.search_only, top_k)
        passages.append(f"{engine.chunk_count} passages" + (f" in {store}" if len(stores) > 1 else ""))
    left_out = sum(not q.answerable for q in questions)
    split = (f" ({len(questions) - left_out} answerable, {left_out} about the {holdout.fraction:.0%} of documents "
             f"left out with seed {holdout.seed})") if holdout else ""
    print(format_table(f"{title}: {len(questions)} questions{split}, {accents}; {', '.join(passages)}", results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
