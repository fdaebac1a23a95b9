"""Benchmark (not a test): what the open-vocabulary actors add to extract, on PolNeAR train articles.

Times, serially, ``stratagem.evidence.extract.extract`` on the PolNeAR train texts with the actor
entities and with them switched off, and ``extract_actor_entities`` alone (sentences and gazetteer
matches computed beforehand). Each figure is the median of ``--repeats`` runs after a warm-up.
The texts are read from ../shared/corpora/polnear/train/text (or ``--polnear DIR``).

    .venv/bin/python benchmarks/bench_actors.py                 # all 840 train articles
    .venv/bin/python benchmarks/bench_actors.py --documents 200 --repeats 3
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _timing import median_seconds

import stratagem.evidence.extract as extract_module
from stratagem.evidence.actors import extract_actor_entities
from stratagem.evidence.gazetteer import default_gazetteer
from stratagem.evidence.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", default=str(REPO.parent / "shared" / "corpora" / "polnear"))
    parser.add_argument("--documents", type=int, default=840)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    text_dir = Path(args.polnear) / "train" / "text"
    if not text_dir.is_dir():
        print(f"{text_dir}: no PolNeAR train texts (use --polnear DIR)", file=sys.stderr)
        raise SystemExit(2)
    texts = [p.read_text(encoding="utf-8") for p in sorted(text_dir.glob("*.txt"))[: args.documents]]
    gaz = default_gazetteer()
    prepared = [(t, split_sentences(t), gaz.find_mentions(t)) for t in texts]

    def full() -> None:
        for t in texts:
            extract_module.extract(t)

    def alone() -> None:
        for t, sentences, mentions in prepared:
            extract_actor_entities(t, sentences, gaz, mentions=mentions)

    with_entities = median_seconds(full, args.repeats)
    original = extract_module.extract_actor_entities
    extract_module.extract_actor_entities = lambda *a, **k: []  # type: ignore[assignment]
    try:
        without = median_seconds(full, args.repeats)
    finally:
        extract_module.extract_actor_entities = original
    only = median_seconds(alone, args.repeats)
    n = len(texts)
    print(f"{n} PolNeAR train articles, serial, median of {args.repeats}")
    print(f"extract with entities     {with_entities:7.2f} s  {n / with_entities:6.1f} documents/s")
    print(f"extract without entities  {without:7.2f} s  {n / without:6.1f} documents/s")
    print(f"extract_actor_entities    {only:7.2f} s  {1000 * only / n:6.2f} ms per document")


if __name__ == "__main__":
    main()
