"""python -m api [--host H] [--port P] [--index DIR]: serve the HTTP API with uvicorn."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from api.app import create_app
from retriever.index import IndexUnavailable, current_version
from retriever.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="Serve the policy Q&A HTTP API.")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--index", type=Path, help="index folder (default: $POLICYQA_INDEX_DIR or data/index)")
    args = parser.parse_args(argv)
    settings = load_settings(host=args.host, port=args.port, index_dir=args.index)
    if current_version(settings.index_dir) is None:
        print(f"error: no index at {settings.index_dir}; build one with: python -m ingest corpus/", file=sys.stderr)
        return 2
    try:
        app = create_app(settings)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    except IndexUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
