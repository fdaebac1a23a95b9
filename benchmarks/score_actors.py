"""Score actor extraction against the gold entities of tests/data/actors_gold/ (not a test).

Runs ``stratagem.evidence.actors.extract_actor_entities(text)`` when that function exists, else
the gazetteer extraction (``stratagem.evidence.extract.extract(text).mentions``, grouped by actor
id), on each gold document read as UTF-8 with ``newline=''``, and prints entity- and mention-level
precision, recall and F1, overall and for entities outside the built-in gazetteer (rules:
stratagem/evidence/actor_score.py). The PolNeAR texts are read from ../shared/corpora/polnear
(or ``--polnear DIR``, or ``$STRATAGEM_POLNEAR``); the own texts from tests/data/evidence_own, and
the second own set (``actors_own``, written to be held out) from tests/data/actors_own.

    .venv/bin/python benchmarks/score_actors.py                 # every gold set
    .venv/bin/python benchmarks/score_actors.py --gold actors_own      # the held-out own texts only
    .venv/bin/python benchmarks/score_actors.py --gold actors_new      # the new-style own texts (issue 14)
    .venv/bin/python benchmarks/score_actors.py --system gazetteer    # the gazetteer-only baseline
    .venv/bin/python benchmarks/score_actors.py --gold polnear --details --json-out scores.json
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from stratagem.evidence.actor_score import (
    ActorEntity,
    ActorScore,
    Counts,
    GoldDocument,
    gazetteer_alias_spans,
    parse_gold,
    score_document,
    system_entities,
)
from stratagem.evidence.errors import EvidenceError
from stratagem.evidence.gazetteer import default_gazetteer

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "data" / "actors_gold"
OWN_DIR = REPO / "tests" / "data" / "evidence_own"
# gold set -> (gold file, directory of its texts; None: the PolNeAR dev texts)
GOLD_SETS: dict[str, tuple[Path, Path | None]] = {
    "polnear": (GOLD_DIR / "polnear_dev.jsonl", None),
    "own": (GOLD_DIR / "evidence_own.jsonl", OWN_DIR),
    # held out from the rules' development: scored before any rule was written for them
    "actors_own": (REPO / "tests" / "data" / "actors_own.jsonl", REPO / "tests" / "data" / "actors_own"),
    # styles the rules were not first written for (non-US talks, a press release, a transcript, a live blog):
    # each batch was held out until its first scoring, then used for development (tests/data/actors_new/README.md)
    "actors_new": (REPO / "tests" / "data" / "actors_new.jsonl", REPO / "tests" / "data" / "actors_new"),
}

System = Callable[[str], list[ActorEntity]]


def polnear_dir(explicit: str | None) -> Path | None:
    """The PolNeAR directory (holding dev/text/), or None when it is not there."""
    if explicit:
        return Path(explicit).resolve() if (Path(explicit) / "dev" / "text").is_dir() else None
    candidates: list[Path] = []
    if os.environ.get("STRATAGEM_POLNEAR"):
        candidates.append(Path(os.environ["STRATAGEM_POLNEAR"]))
    candidates += [Path.cwd() / ".." / "shared" / "corpora" / "polnear", REPO / ".." / "shared" / "corpora" / "polnear"]
    for c in candidates:
        if (c / "dev" / "text").is_dir():
            return c.resolve()
    return None


def extraction_system(text: str) -> list[ActorEntity]:
    """What ``stratagem extract`` reports as actors: the open-vocabulary entities, plus the gazetteer
    mentions no entity covers (grouped by gazetteer actor, joined to the entity linked to it)."""
    from stratagem.evidence.extract import extract

    gaz = default_gazetteer()
    ex = extract(text, gazetteer=gaz)
    spans: dict[str, list[tuple[int, int]]] = {}
    names: dict[str, tuple[str, str]] = {}
    for e in ex.entities:
        key = e.gazetteer_id or e.id
        spans.setdefault(key, []).extend(e.mentions)
        names.setdefault(key, (e.name, e.kind))
    covered = [span for group in spans.values() for span in group]
    for m in ex.mentions:
        if any(a < m.end and m.start < b for a, b in covered):
            continue
        spans.setdefault(m.actor, []).append((m.start, m.end))
        kind = "person" if gaz.kind_of(m.actor) == "person" else "organisation"
        names.setdefault(m.actor, (gaz.name_of(m.actor), kind))
    return [ActorEntity(name=names[k][0], kind=names[k][1], mentions=tuple(sorted(v))) for k, v in spans.items()]


def pick_system(which: str = "auto") -> tuple[str, System]:
    """The dedicated actor extractor when it exists (or ``which="gazetteer"``), else the gazetteer mentions;
    ``which="extraction"`` scores what ``stratagem extract`` reports (entities and gazetteer mentions)."""
    if which == "extraction":
        return "stratagem.evidence.extract.extract: entities + gazetteer mentions", extraction_system
    try:
        if which == "gazetteer":
            raise ModuleNotFoundError(name="stratagem.evidence.actors")
        actors = importlib.import_module("stratagem.evidence.actors")
    except ModuleNotFoundError as exc:
        if exc.name != "stratagem.evidence.actors":
            raise
        if which == "actors":
            raise EvidenceError("stratagem.evidence.actors is not there") from None
    else:
        fn = getattr(actors, "extract_actor_entities", None)
        if fn is None and which == "actors":
            raise EvidenceError("stratagem.evidence.actors has no extract_actor_entities")
        if fn is not None:
            return ("stratagem.evidence.actors.extract_actor_entities",
                    lambda text: system_entities(fn(text)))

    from stratagem.evidence.extract import extract

    gaz = default_gazetteer()

    def gazetteer_system(text: str) -> list[ActorEntity]:
        grouped: dict[str, list[tuple[int, int]]] = {}
        for m in extract(text, gazetteer=gaz).mentions:
            grouped.setdefault(m.actor, []).append((m.start, m.end))
        return [ActorEntity(name=gaz.name_of(a), kind=gaz.kind_of(a), mentions=tuple(spans))
                for a, spans in grouped.items()]

    return "stratagem.evidence.extract.extract(text).mentions (built-in gazetteer)", gazetteer_system


def read_text(doc: GoldDocument, directory: Path) -> str:
    """The document's text, checked against the gold's sha256."""
    path = directory / doc.document
    if not path.is_file():
        raise EvidenceError("gold document not found", path=path)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        raise EvidenceError("sha256 differs from the gold's: the text changed, offsets would be wrong", path=path)
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def score_set(docs: list[GoldDocument], directory: Path, system: System,
              details: bool) -> tuple[ActorScore, list[dict[str, object]]]:
    total = ActorScore()
    rows: list[dict[str, object]] = []
    gaz = default_gazetteer()
    for doc in docs:
        text = read_text(doc, directory)
        s = score_document(doc.entities, system(text), gazetteer_alias_spans(text, gaz))
        total.add(s)
        if details:
            rows.append({"document": doc.document, **s.as_dict()})
    return total, rows


def _fmt(value: float, defined: bool) -> str:
    return f"{value:.3f}" if defined else "  -  "


def _line(label: str, c: Counts) -> str:
    p, r = _fmt(c.precision, c.system > 0), _fmt(c.recall, c.gold > 0)
    return (f"  {label:<28} P {p}  R {r}  F1 {_fmt(c.f1, c.system > 0 and c.gold > 0)}"
            f"   ({c.matched_system}/{c.system} system, {c.matched_gold}/{c.gold} gold)")


def report(name: str, score: ActorScore) -> str:
    kinds = score.kind_agree / score.entities.matched_gold if score.entities.matched_gold else 0.0
    return "\n".join([
        f"{name}: {score.documents} documents, {score.entities.gold} gold entities, "
        f"{score.mentions.gold} gold mentions",
        _line("entities", score.entities),
        _line("mentions", score.mentions),
        _line("entities outside gazetteer", score.entities_outside),
        _line("mentions outside gazetteer", score.mentions_outside),
        f"  kind agreement on matched entities: {kinds:.3f}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", choices=("all", *GOLD_SETS), default="all")
    parser.add_argument("--system", choices=("auto", "actors", "gazetteer", "extraction"), default="auto",
                        help="auto: the actors module when present, else the gazetteer mentions")
    parser.add_argument("--polnear", help="PolNeAR directory (with dev/text/)")
    parser.add_argument("--details", action="store_true", help="per-document figures in the JSON output")
    parser.add_argument("--json-out", help="write the figures as JSON to this file")
    args = parser.parse_args(argv)
    sets = list(GOLD_SETS) if args.gold == "all" else [args.gold]
    try:
        name, system = pick_system(args.system)
        print(f"system: {name}")
        out: dict[str, object] = {"system": name}
        for key in sets:
            gold_path, texts = GOLD_SETS[key]
            docs = parse_gold(gold_path.read_text(encoding="utf-8").splitlines(), str(gold_path))
            if texts is None:
                base = polnear_dir(args.polnear)
                if base is None:
                    raise EvidenceError("PolNeAR not found (../shared/corpora/polnear, --polnear or $STRATAGEM_POLNEAR)")
                texts = base / "dev" / "text"
            score, rows = score_set(docs, texts, system, args.details)
            print(report(gold_path.name, score))
            out[key] = {**score.as_dict(), **({"per_document": rows} if args.details else {})}
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(out, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except (EvidenceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
