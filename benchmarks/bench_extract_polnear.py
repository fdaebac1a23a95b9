"""Benchmark (not a test): extraction throughput on the PolNeAR train articles, documents per second.

Each article is read, cleaned and extracted (sentences, gazetteer and open-vocabulary actors,
attributions, dated events) in this process, one after another, as ``stratagem extract`` does for
one file. The articles are read from ``../shared/corpora/polnear/train/text`` (or ``--corpus``);
they are never copied into the repository. The figure is the median of ``--repeats`` timed passes
after an untimed warm-up; the per-stage split is from one extra profiled-by-clock pass.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _timing import median_seconds

from stratagem.evidence.extract import extract
from stratagem.evidence.gazetteer import default_gazetteer
from stratagem.evidence.ingest import read_document

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "polnear" / "train" / "text"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    paths = sorted(args.corpus.glob("*.txt"))[: args.limit]
    if not paths:
        print(f"no articles in {args.corpus} (PolNeAR is in ../shared/corpora/polnear)", file=sys.stderr)
        return 2
    documents = [read_document(p) for p in paths]
    gazetteer = default_gazetteer()

    def run() -> object:
        return [extract(d, gazetteer=gazetteer) for d in documents]

    seconds = median_seconds(run, repeats=args.repeats)
    start = time.perf_counter()
    for p in paths:
        read_document(p)
    reading = time.perf_counter() - start
    chars = sum(len(d.cleaned) for d in documents)
    print(f"{len(documents)} PolNeAR train articles ({chars / 1e6:.1f} M characters): extraction "
          f"{len(documents) / seconds:.1f} documents/s serial (median of {args.repeats}); reading and "
          f"cleaning alone {len(documents) / reading:.0f} documents/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
