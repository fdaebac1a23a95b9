"""Benchmark (not a test): ingest + extract throughput, in documents and MB per second.

500 generated scraped-page documents (stratagem.evidence.synthetic: boilerplate, a byline with a
date, paragraphs with actors, dated actions and quotes; about 2.5 kB each) are ingested into a
fresh workspace: read, decode, boilerplate removal, sentences, actors, quotes, events, and one
SQLite transaction per document. Cases: serial (``workers=1``, everything in this process),
local worker processes (``--workers``, default every core), and extraction alone without the
database (serial). Each figure is the median of ``--repeats`` runs after an untimed warm-up.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from _timing import median_seconds

from stratagem.evidence.batch import prepare_files
from stratagem.evidence.synthetic import write_corpus
from stratagem.store.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = write_corpus(corpus, args.documents, seed=1)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        runs = iter(range(10**6))

        def ingest(workers: int) -> Callable[[], object]:
            def run() -> object:
                with Workspace(Path(tmp) / f"w{next(runs)}.db") as ws:
                    outcomes = ws.ingest_path(corpus, workers=workers)
                assert sum(1 for o in outcomes if o.created) == args.documents
                return outcomes
            return run

        def extract_only() -> object:
            return list(prepare_files(paths, workers=1))

        with Workspace(Path(tmp) / "warm.db") as ws:  # imports, gazetteer compilation
            ws.ingest_path(paths[0])
        print(f"{args.documents} documents, {megabytes:.2f} MB, median of {args.repeats} runs "
              f"({os.cpu_count()} cores on this machine)")
        print(f"{'case':44s} {'seconds':>8s} {'docs/s':>8s} {'MB/s':>7s}")
        cases = (("extract only, serial (no database)", extract_only),
                 ("ingest + extract, serial (workers=1)", ingest(1)),
                 (f"ingest + extract, {args.workers} worker processes", ingest(args.workers)))
        for label, fn in cases:
            seconds = median_seconds(fn, args.repeats, warm_up=False)  # warmed up above
            print(f"{label:44s} {seconds:8.2f} {args.documents / seconds:8.1f} {megabytes / seconds:7.3f}",
                  flush=True)


if __name__ == "__main__":
    main()
