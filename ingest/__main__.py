"""python -m ingest PATH [PATH ...] [--index DIR]: add or update files and folders in the index."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.pipeline import IngestPipeline
from retriever.embedders import make_embedder
from retriever.index import IndexUnavailable
from retriever.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Add or update documents in the index.")
    parser.add_argument("paths", nargs="+", type=Path, help="files or folders to ingest")
    parser.add_argument("--index", type=Path, help="index folder (default: $POLICYQA_INDEX_DIR or data/index)")
    args = parser.parse_args(argv)

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    settings = load_settings(index_dir=args.index)
    try:
        report = IngestPipeline(settings, make_embedder(settings)).run(args.paths, settings.index_dir)
    except IndexUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
