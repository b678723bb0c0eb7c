"""python -m evals.calibrate: choose and check the refusal decision's thresholds.

    python -m evals.calibrate --datasets alqac,uit --holdout 0.2 --seed 1     choose them (prints the grid)
    python -m evals.calibrate FILE.jsonl [--index DIR] [--sweep]               check them on a labeled file

Choosing: each dataset is indexed with `--holdout` of its documents left out (seed `--seed`), so the questions
about the left-out documents are ones the index cannot answer and the others are answerable, as they would be
for documents the thresholds never saw. Every question is searched and drafted once (ExtractiveAnswerer.draft:
candidates scored, nothing decided); then every point of the grid of the five thresholds re-decides all of
them. A point's false refusals are the answerable questions it refuses, its recall the unanswerable ones it
refuses, per dataset. The chosen point keeps every dataset's false refusals within --max-false-refusals (5 %, the
bound the answers must meet) and, among those, refuses the most on average (ties: the lower thresholds); when no
point does, the one of greatest mean recall minus --false-refusal-cost times false refusals, which is also
printed for comparison. Report the result on another seed:
`python -m evals.evaluate --dataset uit --holdout 0.2 --seed 2`.

Checking a file: each line is {"question", "answerable": bool} and, for answerable ones, "answer_contains"
(strings, any of which the answer must hold) and "source" (the document it must cite). A refusal (found=false)
is the positive class: precision is the share of refusals that were right, recall the share of unanswerable
questions refused. --sweep re-decides the file's drafts over the grid.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from evals.cache import CachedEmbedder
from evals.datasets import CACHE, DATASETS, Holdout, build_dataset_index, dataset_settings
from evals.metrics import answer_contains
from retriever.answer.extractive import Draft, Thresholds
from retriever.embed.factory import make_embedder
from retriever.engine import Engine
from retriever.settings import load_settings
from retriever.store.factory import open_store
from retriever.types import Answer

DENSE_GRID = (0.0, *(round(0.80 + i / 100, 2) for i in range(11)))  # 0 (off), 0.80 … 0.90
SENTENCE_GRID = DENSE_GRID
COVERAGE_GRID = tuple(round(i / 20, 2) for i in range(13))  # 0 … 0.60
CLOSE_GRID = (1.0, *(round(0.85 + i / 100, 2) for i in range(8)))  # 1 (off), 0.85 … 0.92
CLOSE_COVERAGE_GRID = (1.0, 0.7, 0.8, 0.9)  # 1 (off)
# The thresholds as columns: the Thresholds field, its column header.
COLUMNS = (("min_dense_score", "min_dense"), ("min_sentence_score", "min_sentence"), ("min_coverage", "min_coverage"),
           ("close_sentence_score", "close_sentence"), ("close_coverage", "close_coverage"))


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


def grid(fixed: dict[str, float] | None = None) -> list[Thresholds]:
    """Every point of the grid; `fixed` holds some thresholds at one value each ({"min_sentence_score": 0})."""
    points = (
        Thresholds(d, c, s, close, close_cov)
        for d, s, c, close, close_cov in itertools.product(
            DENSE_GRID, SENTENCE_GRID, COVERAGE_GRID, CLOSE_GRID, CLOSE_COVERAGE_GRID
        )
    )
    return [t for t in points if all(getattr(t, f) == v for f, v in (fixed or {}).items())]


def parse_fixed(items: list[str]) -> dict[str, float]:
    """--fixed NAME=VALUE items as {NAME: VALUE}; a clear error for an unknown name or a value not a number."""
    names = [f for f, _ in COLUMNS]
    fixed = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in names:
            raise SystemExit(f"--fixed {item}: the name must be one of {', '.join(names)}")
        try:
            fixed[name] = float(value)
        except ValueError:
            raise SystemExit(f"--fixed {item}: {value!r} is not a number") from None
    return fixed


@dataclass
class Split:
    """One dataset's drafts: whether each question is answerable, and its draft."""

    name: str
    answerable: list[bool]
    drafts: list[Draft]

    def rates(self, engine: Engine, t: Thresholds) -> tuple[float, float]:
        """(false refusal rate, refusal recall) at thresholds t."""
        found = [not engine.answerer.refuses(d, t) for d in self.drafts]
        answerable = [f for f, a in zip(found, self.answerable) if a]
        unanswerable = [f for f, a in zip(found, self.answerable) if not a]
        false_refusals = sum(not f for f in answerable) / max(len(answerable), 1)
        recall = sum(not f for f in unanswerable) / max(len(unanswerable), 1)
        return false_refusals, recall


def drafts_of(engine: Engine, questions: list[str], top_k: int) -> list[Draft]:
    return [engine.answerer.draft(q, engine.search(q, top_k)) for q in questions]


def gain(rates: list[tuple[float, float]], false_refusal_cost: float) -> float:
    """Mean over the sets of (share of unanswerable questions refused − cost × share of answerable ones refused)."""
    return sum(rc - false_refusal_cost * fr for fr, rc in rates) / len(rates)


def _lower(row) -> float:
    t = row[0]
    # A lower close_sentence_score or close_coverage refuses less, as the lower of the others do.
    return -sum(getattr(t, f) for f, _ in COLUMNS)


def most_gain(rows: list, false_refusal_cost: float):
    """The point of greatest gain (ties: the lower thresholds)."""
    return max(rows, key=lambda r: (round(gain(r[1], false_refusal_cost), 4), _lower(r)))


def most_refusing_within(rows: list, bound: float):
    """The point that refuses most on average while every set's false refusals stay within `bound` (ties: the
    lower thresholds), or None when no point does."""
    allowed = [r for r in rows if all(fr <= bound for fr, _ in r[1])]
    return max(allowed, key=lambda r: (round(sum(rc for _, rc in r[1]), 4), _lower(r))) if allowed else None


def choose(
    splits: list[tuple[Split, Engine]], bound: float, false_refusal_cost: float, fixed: dict[str, float] | None = None
) -> tuple[Thresholds, list]:
    """Every grid point with its rates per split, and the chosen one: the most refusing within the bound on
    false refusals, else the one of greatest gain."""
    rows = [(t, [split.rates(engine, t) for split, engine in splits]) for t in grid(fixed)]
    chosen = most_refusing_within(rows, bound) or most_gain(rows, false_refusal_cost)
    return chosen[0], rows


def _header() -> str:
    return " ".join(f"{h:>{len(h)}}" for _, h in COLUMNS)


def _cells(t: Thresholds) -> str:
    return " ".join(f"{getattr(t, f):>{len(h)}.2f}" for f, h in COLUMNS)


def _settings(t: Thresholds) -> str:
    return " ".join(f"POLICYQA_{f.upper()}={getattr(t, f):.2f}" for f, _ in COLUMNS)


def calibrate(args) -> int:
    fixed = parse_fixed(args.fixed)
    if not grid(fixed):
        raise SystemExit(f"no point of the grid has {fixed}; the grid's values are in evals/calibrate.py")
    settings = load_settings()
    embedder = CachedEmbedder(make_embedder(settings), CACHE / "vectors.sqlite")
    holdout = Holdout(args.holdout, args.seed)
    top_k = args.top_k or settings.default_top_k
    splits = []
    for name in args.datasets.split(","):
        if name not in DATASETS:
            raise SystemExit(f"unknown dataset {name}; choose from {', '.join(DATASETS)}")
        store_settings = dataset_settings(settings, name + holdout.suffix, None)
        store = open_store(store_settings)
        questions = build_dataset_index(name, store_settings, embedder, store, holdout)
        engine = Engine(store_settings, embedder=embedder, store=store)
        split = Split(name, [q.answerable for q in questions], drafts_of(engine, [q.question for q in questions], top_k))
        splits.append((split, engine))
        left_out = sum(not a for a in split.answerable)
        print(f"{name}: {len(questions)} questions, {left_out} about the {holdout.fraction:.0%} of documents left out "
              f"with seed {holdout.seed}", file=sys.stderr)
    chosen, rows = choose(splits, args.max_false_refusals, args.false_refusal_cost, fixed)
    names = [s.name for s, _ in splits]
    header = _header() + "".join(
        f" {n + ' false refusals':>22} {n + ' refused (left out)':>26}" for n in names
    )
    print(header)
    shown = sorted(rows, key=lambda r: -gain(r[1], args.false_refusal_cost))[: args.show]
    for t, rates in shown:
        cells = "".join(f" {fr:>22.3f} {rc:>26.3f}" for fr, rc in rates)
        mark = "  <- chosen" if t == chosen else ""
        print(f"{_cells(t)}{cells}{mark}")
    def summary(rates) -> str:
        return ", ".join(f"{n}: false refusals {fr:.3f}, refused (left out) {rc:.3f}" for n, (fr, rc) in zip(names, rates))

    rates = dict(rows)
    print(f"chosen (the most refusing point with false refusals within {args.max_false_refusals:.0%} on every set): "
          f"{_settings(chosen)}  ({summary(rates[chosen])})")
    t, _ = most_gain(rows, args.false_refusal_cost)
    print(f"for comparison, the greatest mean of refused (left out) - {args.false_refusal_cost:g} x false refusals: "
          f"{_settings(t)} ({summary(rates[t])})")
    return 0


def check_file(args) -> int:
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
        split = Split(args.file.name, [r["answerable"] for r in rows], drafts_of(engine, [r["question"] for r in rows], top_k))
        print(f"{_header()} {'false refusals':>14} {'recall':>6}")
        for t in grid():
            fr, rc = split.rates(engine, t)
            print(f"{_cells(t)} {fr:>14.3f} {rc:>6.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", help="JSONL with question, answerable, answer_contains, source")
    parser.add_argument("--datasets", help="comma list of public sets to choose the thresholds on (alqac,uit)")
    parser.add_argument("--holdout", type=float, default=0.2, help="share of documents left out (default 0.2)")
    parser.add_argument("--seed", type=int, default=1, help="which documents are left out (default 1)")
    parser.add_argument("--max-false-refusals", type=float, default=0.05,
                        help="the bound on every set's false refusals (default 0.05)")
    parser.add_argument("--false-refusal-cost", type=float, default=2.0,
                        help="for the comparison point: what refusing an answerable question costs, against "
                        "answering an unanswerable one (default 2)")
    parser.add_argument("--fixed", action="append", default=[], metavar="NAME=VALUE",
                        help="hold one threshold at a value of the grid, e.g. min_sentence_score=0 (repeatable)")
    parser.add_argument("--show", type=int, default=25, help="grid rows printed, best first (default 25)")
    parser.add_argument("--index", type=Path, help="index folder for FILE (default: $POLICYQA_INDEX_DIR or data/index)")
    parser.add_argument("--top-k", type=int, default=None, help="passages per question (default: settings)")
    parser.add_argument("--sweep", action="store_true", help="with FILE: also try the grid of thresholds")
    args = parser.parse_args(argv)
    if bool(args.file) == bool(args.datasets):
        parser.error("give either FILE or --datasets")
    return calibrate(args) if args.datasets else check_file(args)


if __name__ == "__main__":
    sys.exit(main())
