"""Score dated events on the new-style own texts against hand-written expectations (not a test).

Reads ``tests/data/actors_new_events.yaml`` (written before stratagem ran on the texts) and the gold
actors of ``tests/data/actors_new.jsonl``, reads each text with ``stratagem.evidence.ingest.read_document``
(so the document date is found the way a user's would be) and extracts its events. An expected event is
found when a system event has its date (a day, a month, or a day inside a ``first/last`` range) and one
of its actions, one-to-one in text order. Prints recall on the expected events, precision (system events
that match an expected or an optional event), and actor accuracy on the events found: the actor is
right when it is a name of the expected gold entity (any of its mentions' surfaces), or none for '?'.

    .venv/bin/python benchmarks/score_events.py [--only DOC ...] [--details]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from stratagem.evidence.errors import EvidenceError
from stratagem.evidence.extract import extract
from stratagem.evidence.ingest import read_document
from stratagem.evidence.records import Event

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"


def date_matches(gold: str, system: str) -> bool:
    """A gold day or month equals the system's date; a gold range holds the system's day or range."""
    if "/" in gold:
        first, last = gold.split("/")
        lo, _, hi = system.partition("/")
        return len(lo) == 10 and first <= lo and (hi or lo) <= last
    return gold == system


def actor_names(gold_actor: str, entities: dict[str, set[str]]) -> set[str] | None:
    """The accepted actor names ('?': None, meaning no actor is right)."""
    if gold_actor == "?":
        return None
    names: set[str] = set()
    for name in gold_actor.split("|"):
        names |= entities.get(name, set()) | {name}
    return {n.lower() for n in names}


def score(only: list[str] | None = None, details: bool = False) -> dict[str, Any]:
    gold = yaml.safe_load((DATA / "actors_new_events.yaml").read_text(encoding="utf-8"))["documents"]
    surfaces: dict[str, dict[str, set[str]]] = {}
    for line in (DATA / "actors_new.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        with open(DATA / "actors_new" / doc["document"], encoding="utf-8", newline="") as f:
            text = f.read()
        surfaces[doc["document"]] = {e["name"]: {text[a:b] for a, b in e["mentions"]} for e in doc["entities"]}
    totals = {"expected": 0, "found": 0, "system": 0, "system_matched": 0, "actor_right": 0}
    rows: list[dict[str, Any]] = []
    for name, g in gold.items():
        if only and name not in only:
            continue
        document = read_document(DATA / "actors_new" / name)
        events: list[Event] = list(extract(document).events)
        free = list(range(len(events)))

        def take(expected: dict[str, Any], events: list[Event] = events, free: list[int] = free) -> Event | None:
            for k in free:
                e = events[k]
                if date_matches(str(expected["date"]), e.date) and e.action in str(expected["action"]).split("|"):
                    free.remove(k)
                    return e
            return None

        found = 0
        right = 0
        for expected in g.get("events") or []:
            e = take(expected)
            ok = False
            if e is not None:
                found += 1
                names = actor_names(str(expected["actor"]), surfaces.get(name, {}))
                ok = (e.actor is None) if names is None else (e.actor or "").lower() in names
                right += ok
            rows.append({"document": name, "expected": expected, "found": e is not None, "actor_right": ok,
                         "system_actor": e.actor if e else None})
        optional = sum(take(o) is not None for o in g.get("optional") or [])
        totals["expected"] += len(g.get("events") or [])
        totals["found"] += found
        totals["actor_right"] += right
        totals["system"] += len(events)
        totals["system_matched"] += found + optional
        for k in free:
            rows.append({"document": name, "unmatched_system": {"date": events[k].date, "action": events[k].action,
                                                                "actor": events[k].actor, "verb": events[k].verb}})
    out: dict[str, Any] = dict(totals)
    out["recall"] = totals["found"] / totals["expected"] if totals["expected"] else 0.0
    out["precision"] = totals["system_matched"] / totals["system"] if totals["system"] else 0.0
    out["actor_accuracy"] = totals["actor_right"] / totals["found"] if totals["found"] else 0.0
    if details:
        out["rows"] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="score these documents only")
    parser.add_argument("--details", action="store_true", help="print every expected and unmatched event")
    args = parser.parse_args(argv)
    try:
        out = score(args.only, args.details)
    except (EvidenceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"dated events: recall {out['recall']:.3f} ({out['found']}/{out['expected']}), precision "
          f"{out['precision']:.3f} ({out['system_matched']}/{out['system']}), actor right on found "
          f"{out['actor_accuracy']:.3f} ({out['actor_right']}/{out['found']})")
    for row in out.get("rows", []):
        print(" ", json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
