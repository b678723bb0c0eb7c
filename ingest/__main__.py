"""python -m ingest PATH [PATH ...] [--index DIR]: add or update files and folders in the index."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.pipeline import IngestPipeline
from retriever.embedders import make_embedder
from retriever.index import IndexUnavailable
from retriever.settings import load_settings
from retriever.store import live_version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Add, update or delete documents in the index.")
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders to ingest")
    parser.add_argument("--delete", metavar="SOURCE", action="append", default=[],
                        help="remove this document (its source as listed by GET /documents); repeatable")
    parser.add_argument("--index", type=Path, help="index folder (default: $POLICYQA_INDEX_DIR or data/index)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not args.paths and not args.delete:
        parser.error("give files or folders to ingest, or --delete SOURCE")

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    settings = load_settings(index_dir=args.index)
    try:
        if args.delete and live_version(settings) is None:
            print(f"error: no index at {_where(settings)}", file=sys.stderr)
            return 2
        pipeline = IngestPipeline(settings, make_embedder(settings, purpose="ingest"))
        if args.delete:
            report = pipeline.delete(args.delete, settings.index_dir)
            print(report.summary())
            if report.skipped:
                return 1
        if args.paths:
            report = pipeline.run(args.paths, settings.index_dir, progress=not args.quiet and sys.stderr.isatty())
            print(report.summary())
    except IndexUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # disk full, permissions: the previous index version stays live
        print(f"error: could not write the index ({e}); the previous version is unchanged", file=sys.stderr)
        return 1
    return 0


def _where(settings) -> str:
    return f"Milvus {settings.milvus_uri}" if settings.store == "milvus" else str(settings.index_dir)


if __name__ == "__main__":
    sys.exit(main())
