"""python -m ingest PATH [PATH ...] [--index DIR]: add or update files and folders in the index."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.pipeline import IngestPipeline
from retriever.embed.factory import make_embedder
from retriever.errors import IndexUnavailable
from retriever.settings import load_settings
from retriever.store.factory import open_store


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
        store = open_store(settings)
        if args.delete and store.live_version() is None:
            print(f"error: no index at {store.where}", file=sys.stderr)
            return 2
        pipeline = IngestPipeline(settings, make_embedder(settings, purpose="ingest"), store)
        if args.delete:
            report = pipeline.delete(args.delete)
            print(report.summary())
            if report.skipped:
                return 1
        if args.paths:
            report = pipeline.run(args.paths, progress=not args.quiet and sys.stderr.isatty())
            print(report.summary())
            # A file named on the command line that was skipped, or any file of a format we read that could not be
            # read, is an error; the files that could be read are committed, the others named above with the reason.
            named = {p.name for p in args.paths if p.is_file()}
            failed = set(report.unreadable) | {source for source, _ in report.skipped if source in named}
            if failed:
                print(f"error: {len(failed)} file(s) could not be ingested: {', '.join(sorted(failed))}",
                      file=sys.stderr)
                return 1
    except IndexUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # disk full, permissions: the previous index version stays live
        print(f"error: could not write the index ({e}); the previous version is unchanged", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
