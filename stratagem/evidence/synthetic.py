"""Synthetic scraped documents for benchmarks and tests (deterministic for a seed).

Each document looks like a scraped news page: navigation and a sign-up form, a
title, a byline with a date, paragraphs naming actors with dated actions and
attributed quotes, a photo caption, and a "related" list. Every sentence is
assembled from templates written for stratagem; nothing is taken from real
articles.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

_ACTORS = (
    "the United States", "Iraq's government", "Iran", "Kata'ib Hezbollah", "the Popular Mobilization Forces",
    "Muqtada al-Sadr", "the Kurdistan Regional Government", "NATO", "Asa'ib Ahl al-Haq", "the U.S. military",
    "Prime Minister Mohammed Shia al-Sudani", "the Badr Organization", "Harakat al-Nujaba", "the Quds Force",
)
_SPEAKERS = ("a government spokesman", "Muqtada al-Sadr", "the U.S. ambassador", "Hadi al-Ameri", "NATO's envoy")
_ACTIONS = (
    "met officials from {t} to discuss the troop agreement",
    "demanded that {t} set a date for the withdrawal",
    "warned {t} against further strikes near the capital",
    "struck a depot used by {t} near the Syrian border",
    "agreed with {t} on a schedule for the next round of talks",
    "criticised {t} for delaying the electricity payments",
    "called on {t} to release the detained commanders",
    "sanctioned two banks accused of moving dollars for {t}",
)
_QUOTES = (
    "We will not accept foreign forces on our soil for one more year",
    "The talks were frank and both sides want them to continue",
    "Any attack on our people will be answered at a time of our choosing",
    "Our priority is keeping the lights on through the summer",
    "This agreement protects the sovereignty of the country",
)
_FILLER = (
    "Analysts in the capital expect the negotiations to drag on well into the next parliamentary session.",
    "The dispute over the budget has slowed every other file on the table.",
    "Diplomats describe the mood as cautious but not hostile.",
    "Local officials say the electricity shortage is the question voters ask about most.",
)


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def synthetic_document(index: int, seed: int = 0, paragraphs: int = 6) -> str:
    """One scraped-page text, different for each ``index`` and reproducible for a ``seed``."""
    rng = random.Random(seed * 1_000_003 + index)
    day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1500))
    lines = [
        "Skip to content", "Menu", "", "Subscribe", "", "Enter your email address", "",
        f"Talks update {index}: {_cap(rng.choice(_ACTORS))} and the troop question", "",
        f"By Staff Writer | {day.strftime('%B')} {day.day}, {day.year}", "",
    ]
    for p in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(3, 5)):
            kind = rng.random()
            actor, target = rng.sample(_ACTORS, 2)
            when = day - dt.timedelta(days=rng.randrange(1, 60))
            if kind < 0.45:
                action = rng.choice(_ACTIONS).format(t=target)
                sentences.append(f"On {when.strftime('%B')} {when.day}, {actor} {action}.")
            elif kind < 0.7:
                sentences.append(f"\u201c{rng.choice(_QUOTES)},\u201d {rng.choice(_SPEAKERS)} said.")
            else:
                sentences.append(rng.choice(_FILLER))
        sentences[0] = _cap(sentences[0])
        lines += [" ".join(sentences), ""]
        if p == 1:
            lines += [f"A convoy passes a checkpoint outside Baghdad, {day.strftime('%B')} {day.day}. (Photo/Staff)", ""]
    lines += ["Related", "", f"Earlier coverage of the talks, part {index + 1}", "2 min read", ""]
    return "\n".join(lines)


def write_corpus(directory: str | Path, n: int, seed: int = 0, paragraphs: int = 6) -> list[Path]:
    """Write ``n`` synthetic documents as ``doc-00000.txt``... into ``directory``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = out / f"doc-{i:05d}.txt"
        path.write_text(synthetic_document(i, seed, paragraphs), encoding="utf-8")
        paths.append(path)
    return paths
