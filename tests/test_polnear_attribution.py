"""Attribution measured on PolNeAR (Newell, Margolin & Ruths, LREC 2018), news stratagem was not written on.

The corpus and its scorer are read from ../shared (``corpora/polnear`` and ``tools/score_polnear.py``, or
$STRATAGEM_POLNEAR / $STRATAGEM_POLNEAR_SCORER); nothing of them is copied here, and the tests skip with
a message when they are absent. The extraction runs in this process on 42 dev articles spread over the
publishers (every second article of the name-sorted list), scored by the corpus scorer's own matching
functions. The floors are below the full dev figures in docs/evidence.md so that a change that breaks
attribution fails, not one that moves a figure in its second decimal. The test split is never read.

Run as a script for the figures on the whole dev split: ``python tests/test_polnear_attribution.py``.
"""

from __future__ import annotations

import collections
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from stratagem.evidence.extract import extract
from stratagem.evidence.ingest import read_document

REPO = Path(__file__).resolve().parents[1]


def _shared(env: str, *parts: str) -> Path | None:
    candidates = [Path(os.environ[env])] if os.environ.get(env) else []
    candidates += [REPO.parent / "shared" / Path(*parts), Path.cwd().parent / "shared" / Path(*parts)]
    return next((c for c in candidates if c.exists()), None)


def _scorer() -> ModuleType | None:
    path = _shared("STRATAGEM_POLNEAR_SCORER", "tools", "score_polnear.py")
    if path is None:
        return None
    spec = importlib.util.spec_from_file_location("score_polnear", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_polnear", module)
    spec.loader.exec_module(module)
    return module


def score_split(split: str = "dev", every: int = 1) -> dict[str, Any]:
    """The scorer's summary of stratagem's extraction on every ``every``-th article of ``split``."""
    corpus = _shared("STRATAGEM_POLNEAR", "corpora", "polnear")
    scorer = _scorer()
    if corpus is None or scorer is None or split == "test":
        pytest.skip("PolNeAR or its scorer is not in ../shared (set STRATAGEM_POLNEAR and STRATAGEM_POLNEAR_SCORER)")
    directory = corpus / split
    names = sorted(p.stem for p in (directory / "text").glob("*.txt"))[::every]
    total: collections.Counter[str] = collections.Counter()
    for name in names:
        path = directory / "text" / f"{name}.txt"
        with path.open(encoding="utf-8", newline="") as f:
            text = f.read()
        ann = scorer.pick_annotation(str(directory / "attributions"), name)
        golds, _ = scorer.read_gold(ann, text) if ann else ([], 0)
        quotes = extract(read_document(path)).quotes
        preds = [{"speaker": q.speaker, "text": q.text, "direct": q.direct} for q in quotes]
        counts, _, _ = scorer.score_doc(golds, preds)
        total += counts
    summary: dict[str, Any] = scorer.summarise(total)
    return summary


@pytest.fixture(scope="module")
def dev_sample() -> dict[str, Any]:
    return score_split("dev", every=2)


def test_direct_quotes_are_found_with_their_words(dev_sample: dict[str, Any]) -> None:
    assert dev_sample["direct"]["f1"] >= 0.90, dev_sample["direct"]


def test_attributions_beyond_quotation_marks_are_found(dev_sample: dict[str, Any]) -> None:
    assert dev_sample["all"]["f1"] >= 0.68, dev_sample["all"]


def test_direct_quotes_have_their_speakers(dev_sample: dict[str, Any]) -> None:
    speaker = dev_sample["direct"]["speaker"]["accuracy"]
    assert speaker is not None and speaker >= 0.82, dev_sample["direct"]["speaker"]
    assert dev_sample["direct"]["e2e"]["f1"] >= 0.78, dev_sample["direct"]["e2e"]


if __name__ == "__main__":
    for split, every in (("dev", 1), ("train", 1)):
        s = score_split(split, every)
        d, a = s["direct"], s["all"]
        print(f"{split} ({s['docs']} articles): direct P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f}, "
              f"speaker accuracy {d['speaker']['accuracy']:.3f}, quote+speaker F1 {d['e2e']['f1']:.3f}; "
              f"all P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f}, speaker accuracy "
              f"{a['speaker']['accuracy']:.3f}")
