"""python -m evals.calibrate FILE.jsonl [--index DIR] [--top-k K] [--sweep]: measure the refusal decision.

Each line is {"question", "answerable": bool} and, for answerable ones, "answer_contains" (strings, any of which
the answer must hold) and "source" (the document it must cite). A refusal (found=false) is the positive class:
precision is the share of refusals that were right, recall the share of unanswerable questions refused.
--sweep searches once and re-answers with a grid of the two thresholds, to choose them.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from evals.metrics import answer_contains
from retriever.answer.extractive import ExtractiveAnswerer
from retriever.engine import Engine
from retriever.settings import load_settings
from retriever.types import Answer, Hit

DENSE_GRID = (0.80, 0.81, 0.82, 0.83, 0.84, 0.85)
COVERAGE_GRID = (0.35, 0.40, 0.45, 0.50, 0.55)


@dataclass
class Scores:
    precision: float
    recall: float
    correct_answers: int  # answerable questions answered with an expected string, citing the expected source
    answerable: int


def load(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for i, row in enumerate(rows, start=1):
        if not isinstance(row.get("question"), str) or not isinstance(row.get("answerable"), bool):
            raise ValueError(f"{path}:{i}: needs a string 'question' and a boolean 'answerable'")
    return rows


def is_correct(row: dict, answer: Answer) -> bool:
    return (
        answer.found
        and answer_contains(answer.answer, row.get("answer_contains", []))
        and any(c.hit.source == row.get("source") for c in answer.citations)
    )


def score(rows: list[dict], answers: list[Answer]) -> Scores:
    refused_right = sum(not a.found and not r["answerable"] for r, a in zip(rows, answers))
    refused = sum(not a.found for a in answers)
    unanswerable = sum(not r["answerable"] for r in rows)
    return Scores(
        precision=refused_right / refused if refused else 1.0,
        recall=refused_right / unanswerable if unanswerable else 1.0,
        correct_answers=sum(r["answerable"] and is_correct(r, a) for r, a in zip(rows, answers)),
        answerable=len(rows) - unanswerable,
    )


def sweep(engine: Engine, rows: list[dict], top_k: int) -> None:
    hits: list[list[Hit]] = [engine.search(r["question"], top_k) for r in rows]
    print(f"{'min_dense_score':>15} {'min_coverage':>12} {'precision':>9} {'recall':>6} {'answers':>8}")
    for dense in DENSE_GRID:
        for coverage in COVERAGE_GRID:
            answerer = ExtractiveAnswerer(
                max_sentences=engine.settings.max_answer_sentences, min_dense_score=dense, min_coverage=coverage
            )
            s = score(rows, [answerer.answer(r["question"], h) for r, h in zip(rows, hits)])
            answers = f"{s.correct_answers}/{s.answerable}"
            print(f"{dense:>15.2f} {coverage:>12.2f} {s.precision:>9.3f} {s.recall:>6.3f} {answers:>8}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="JSONL with question, answerable, answer_contains, source")
    parser.add_argument("--index", type=Path, help="index folder (default: $POLICYQA_INDEX_DIR or data/index)")
    parser.add_argument("--top-k", type=int, default=None, help="passages per question (default: settings)")
    parser.add_argument("--sweep", action="store_true", help="also try a grid of refusal thresholds")
    args = parser.parse_args(argv)

    settings = load_settings(index_dir=args.index)
    top_k = args.top_k or settings.default_top_k
    rows = load(args.file)
    engine = Engine(settings)
    answers = [engine.ask(r["question"], top_k) for r in rows]
    s = score(rows, answers)

    for row, answer in zip(rows, answers):
        if answer.found != row["answerable"]:
            verdict = "answered, should refuse" if answer.found else "refused, should answer"
        elif answer.found and not is_correct(row, answer):
            verdict = "answered without the expected text or source"
        else:
            continue
        print(f"- {verdict}: {row['question']}\n    {answer.answer[:300]}")
    print(
        f"{len(rows)} questions ({s.answerable} answerable, {len(rows) - s.answerable} not): "
        f"refusal precision {s.precision:.3f}, recall {s.recall:.3f}; "
        f"answerable ones answered correctly {s.correct_answers}/{s.answerable}"
    )
    if args.sweep:
        sweep(engine, rows, top_k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
