"""python -m api [--host H] [--port P] [--index DIR]: serve the HTTP API with uvicorn."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn

from api.app import create_app
from retriever.engine import Engine
from retriever.errors import IndexUnavailable
from retriever.settings import load_settings
from retriever.store.factory import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="Serve the policy Q&A HTTP API.")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--index", type=Path, help="index folder (default: $POLICYQA_INDEX_DIR or data/index)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes, each with its own engine")
    args = parser.parse_args(argv)
    settings = load_settings(host=args.host, port=args.port, index_dir=args.index)
    try:
        store = open_store(settings)
        if store.live_version() is None:
            print(f"error: no index at {store.where}; build one with: python -m ingest corpus/", file=sys.stderr)
            return 2
        # Opened here, not in the app's start-up, so that a bad index is one clear line, not a traceback.
        engine = Engine(settings, store=store)
    except IndexUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.workers > 1:
        # Each worker process builds its own engine from the environment, so pass the choices on there.
        del engine
        os.environ.update(POLICYQA_INDEX_DIR=str(settings.index_dir.resolve()))
        uvicorn.run("api.app:create_app", factory=True, host=settings.host, port=settings.port, workers=args.workers)
    else:
        uvicorn.run(create_app(settings, engine), host=settings.host, port=settings.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
