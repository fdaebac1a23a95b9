"""Benchmark (not a test): extraction time of one paragraph with no line breaks, as its length grows.

A scraped page or a pasted transcript can arrive as a single paragraph of megabytes. Every step of
extraction must grow linearly with it, so the time per KiB is printed for each size and the ratio
of the largest size's time per KiB to the smallest's (near 1 when linear; it was about 4 per doubling
when a step scanned every earlier mention or region). The paragraph is the synthetic corpus's
documents (stratagem.evidence.synthetic) joined without newlines. Medians of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse

from _timing import median_seconds

from stratagem.evidence.extract import extract
from stratagem.evidence.synthetic import synthetic_document


def one_paragraph(kib: int) -> str:
    """About ``kib`` KiB of synthetic news text in one paragraph, under a title line."""
    parts: list[str] = []
    size, k = 0, 0
    while size < kib * 1024:
        body = " ".join(synthetic_document(k).split())
        parts.append(body)
        size += len(body) + 1
        k += 1
    return "A long paragraph\n\n" + " ".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 256, 1024], metavar="KIB")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    per_kib: list[float] = []
    for kib in args.sizes:
        text = one_paragraph(kib)
        seconds = median_seconds(lambda text=text: extract(text), args.repeats, warm_up=kib == args.sizes[0])
        per_kib.append(seconds / kib)
        print(f"one paragraph of {kib:>5} KiB: {seconds:7.2f} s ({1000 * seconds / kib:6.2f} ms per KiB)")
    print(f"time per KiB, largest / smallest size: {per_kib[-1] / per_kib[0]:.2f} (1 = linear)")


if __name__ == "__main__":
    main()
