"""How an ensemble's engines disagree: each engine's distribution side by side, a pooled one only on request.

Engines can disagree by tens of points. Pooling every engine's draws into one
distribution hides that: its median can fall between two clusters that no
engine predicts. So summaries keep the engines apart (:func:`side_by_side`,
:func:`disagreement`), and the pooled distribution (:func:`pooled`) is always
labelled as a *mixture* of the engines' draws, with its modes when it has
several, so a reader sees the clusters rather than a misleading middle.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from stratagem.analysis.ensemble import EnsembleResult, IssueSummary
from stratagem.engines.base import FloatArray

MODE_GRID_STEP = 0.25  # histogram bin width on the 0-100 scale
MIN_BANDWIDTH = 1.0  # points: draws that sit on one value still make a visible peak
MIN_PEAK = 0.1  # a mode's density must reach this share of the highest peak
MAX_VALLEY = 0.8  # two peaks are separate modes when the density between them dips below this share


@dataclass(frozen=True)
class Mode:
    """A peak of a distribution and the share of draws on its side of the valleys around it."""

    value: float
    share: float

    def to_dict(self) -> dict[str, float]:
        return {"value": round(self.value, 2), "share": round(self.share, 4)}


def modes(values: FloatArray, *, low: float = 0.0, high: float = 100.0) -> tuple[Mode, ...]:
    """The separate peaks of the draws' density on the issue's scale ``low``-``high``.

    The draws are put on 0-100 (a share of the scale), where the constants above are set, and the
    peaks are put back on the issue's scale, so the same negotiation on another scale has the same modes.
    The density is a Gaussian kernel smoothing of a fine histogram, with Silverman's bandwidth, at
    least :data:`MIN_BANDWIDTH`. A peak counts when it reaches :data:`MIN_PEAK` of the highest and
    the density between it and its neighbour dips below :data:`MAX_VALLEY` of the lower of the two;
    otherwise the lower peak is merged into the higher. Each mode's share is the fraction of draws
    between the valleys that bound it.
    """
    width = high - low
    if not width > 0:
        raise ValueError(f"modes: the scale {low}-{high} is empty")
    v = np.clip((np.asarray(values, dtype=float) - low) / width * 100.0, 0.0, 100.0)
    if v.size == 0:
        return ()
    edges = np.arange(0.0, 100.0 + MODE_GRID_STEP, MODE_GRID_STEP)
    counts, _ = np.histogram(v, bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2.0
    spread = min(float(v.std()), float(np.subtract(*np.percentile(v, [75, 25]))) / 1.34) if v.size > 1 else 0.0
    h = max(MIN_BANDWIDTH, 0.9 * spread * v.size ** -0.2)
    offsets = np.arange(-4 * h, 4 * h + MODE_GRID_STEP, MODE_GRID_STEP)
    kernel = np.exp(-0.5 * (offsets / h) ** 2)
    # the histogram's bins, centred, even when the kernel is the longer (a bandwidth above 12.5 points,
    # where mode="same" would return the kernel's length and shift every peak)
    start = (kernel.size - 1) // 2
    density = np.convolve(counts.astype(float), kernel / kernel.sum(), mode="full")[start:start + counts.size]
    rising = np.diff(np.concatenate([[-np.inf], density])) > 0
    falling = np.diff(np.concatenate([density, [-np.inf]])) <= 0
    peaks = [int(i) for i in np.flatnonzero(rising & falling) if density[i] >= MIN_PEAK * density.max()]
    while shallow := [(a, b) for a, b in pairwise(peaks)
                      if density[a:b + 1].min() >= MAX_VALLEY * min(density[a], density[b])]:
        a, b = shallow[0]  # the first neighbours without a deep enough valley between: the lower peak goes
        peaks.remove(a if density[a] < density[b] else b)
    cuts = [centres[a + int(np.argmin(density[a:b + 1]))] for a, b in pairwise(peaks)]
    bounds = [-1.0, *cuts, 101.0]
    return tuple(Mode(low + float(centres[p]) / 100.0 * width, float(np.mean((v > lo) & (v <= hi))))
                 for p, lo, hi in zip(peaks, bounds, bounds[1:], strict=False))


@dataclass(frozen=True)
class IssueDisagreement:
    """Per issue: each engine's median and the spread between the lowest and the highest."""

    issue: str
    medians: dict[str, float]
    spread: float

    def to_dict(self) -> dict[str, Any]:
        return {"medians": {k: round(v, 4) for k, v in self.medians.items()}, "spread": round(self.spread, 4)}


def disagreement(result: EnsembleResult) -> tuple[IssueDisagreement, ...]:
    """How far apart the engines' medians are, issue by issue."""
    out = []
    for k, issue in enumerate(result.scenario.issues):
        medians = {name: summaries[k].median for name, summaries in result.by_engine.items()}
        out.append(IssueDisagreement(issue.id, medians, max(medians.values()) - min(medians.values())))
    return tuple(out)


def side_by_side(result: EnsembleResult) -> dict[str, tuple[IssueSummary, ...]]:
    """Each engine's own distribution summary (the same as ``by_engine``; one engine: its only summary)."""
    return dict(result.by_engine) if result.by_engine else {result.engines[0]: result.issues}


@dataclass(frozen=True)
class Pooled:
    """The engines' draws pooled: a mixture distribution, labelled as such, with its modes per issue."""

    label: str
    issues: tuple[IssueSummary, ...]
    modes: dict[str, tuple[Mode, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "issues": [i.to_dict() for i in self.issues],
                "modes": {k: [m.to_dict() for m in v] for k, v in self.modes.items()}}


def pooled(result: EnsembleResult) -> Pooled:
    """The pooled (mixture) distribution of an ensemble's draws, with its modes."""
    counts = ", ".join(f"{name} {values.shape[0]}" for name, values in result.values.items())
    label = (f"mixture of the draws of {len(result.values)} engines ({counts} draws): pooled, "
             "not any one engine's forecast")
    draws = np.concatenate(list(result.values.values()))
    found = {issue.id: modes(draws[:, k], low=issue.scale_min, high=issue.scale_max)
             for k, issue in enumerate(result.scenario.issues)}
    return Pooled(label=label, issues=result.issues, modes=found)


def summary_dict(result: EnsembleResult, *, with_pooled: bool = False) -> dict[str, Any]:
    """An ensemble as JSON: one engine as before; several side by side, the mixture only when asked."""
    out = result.to_dict()
    if len(result.engines) < 2:
        return out
    out.pop("issues", None)  # to_dict has put each engine's own summary under "by_engine"
    out["disagreement"] = {d.issue: d.to_dict() for d in disagreement(result)}
    if with_pooled:
        out["pooled"] = pooled(result).to_dict()
    return out
