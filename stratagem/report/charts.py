"""Chart specifications: plain Plotly figure dicts built from scenarios, runs and ensembles.

The figures are data (``{"data": [...], "layout": {...}}``) so the same spec is
embedded in a self-contained report, served as JSON to the web app and drawn by
Plotly.js in both. Numbers are rounded to a fixed precision and keys are emitted
in a fixed order, so a report is byte-identical for the same inputs and seed.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import numpy as np

from stratagem.analysis.ensemble import EnsembleResult, IssueSummary
from stratagem.analysis.explain import Sensitivity
from stratagem.analysis.forecast import ForecastResult
from stratagem.model.schema import Issue, Scenario

Figure = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Figure])

# Plotly draws labels, hover texts and titles as a small HTML subset (<a href>, <b>, <br>...), so a
# name such as "<a href=x>y</a>" would become a live link. Every string of a figure is escaped
# (& < >, which Plotly shows as the characters themselves); the markup the charts use on purpose
# is written with NUL-delimited placeholders that only this module emits, restored after escaping.
_MARKUP = {"\x00br\x00": "<br>", "\x00extra\x00": "<extra>", "\x00/extra\x00": "</extra>"}


def as_text(value: Any) -> Any:
    """A copy of a figure (or part) whose strings show as text in Plotly: no markup from the data."""
    if isinstance(value, str):
        out = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "\x00" in out:
            for placeholder, tag in _MARKUP.items():
                out = out.replace(placeholder, tag)
            out = out.replace("\x00", "")
        return out
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value]
    return value


def _text_only(build: F) -> F:
    """Decorator: the figure a chart function returns, passed through :func:`as_text`."""
    @functools.wraps(build)
    def wrapped(*args: Any, **kwargs: Any) -> Figure:
        figure: Figure = as_text(build(*args, **kwargs))
        return figure
    return cast(F, wrapped)

# Colour per engine, stable across charts (Okabe-Ito palette: distinguishable by most readers).
ENGINE_COLOURS = {
    "compromise": "#0072B2",
    "median": "#E69F00",
    "nash": "#009E73",
    "bdm": "#D55E00",
    "ktab": "#CC79A7",
    "exchange": "#56B4E9",
}
_OTHER = "#666666"
_FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}


def engine_colour(engine: str) -> str:
    return ENGINE_COLOURS.get(engine, _OTHER)


def _r(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    out = round(float(value), digits)
    return 0.0 if out == 0 else out


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}},
        "font": _FONT,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


def _scale_axis(issue: Issue, title: str = "position") -> dict[str, Any]:
    ticks = [a.value for a in issue.anchors]
    axis: dict[str, Any] = {
        "title": {"text": title},
        "range": [issue.scale_min - 2, issue.scale_max + 2],
        "zeroline": False,
        "showgrid": True,
        "gridcolor": "#eeeeee",
    }
    if ticks:
        axis["tickvals"] = ticks
        axis["ticktext"] = [f"{t:g}" for t in ticks]
    return axis


def _vline(x: float, colour: str, dash: str = "solid") -> dict[str, Any]:
    return {
        "type": "line", "xref": "x", "yref": "paper", "x0": _r(x), "x1": _r(x), "y0": 0, "y1": 1,
        "line": {"color": colour, "width": 2, "dash": dash},
    }


@_text_only
def actor_map(scenario: Scenario, issue: Issue, forecasts: Mapping[str, float] | None = None) -> Figure:
    """Where every actor stands on one issue: x = position (with its range), one row per actor,
    bubble size = capability, colour = salience; the status quo and each engine's forecast as lines."""
    stances = sorted((s for s in scenario.stances if s.issue == issue.id),
                     key=lambda s: (s.position, s.actor))
    caps = {a.id: a.capability for a in scenario.actors}
    names = {a.id: a.name for a in scenario.actors}
    cmax = max((caps[s.actor] for s in stances), default=1.0) or 1.0
    xs, ys, sizes, colours, text, err_minus, err_plus = [], [], [], [], [], [], []
    for s in stances:
        xs.append(_r(s.position))
        ys.append(names[s.actor])
        sizes.append(_r(10 + 34 * math.sqrt(caps[s.actor] / cmax), 2))
        colours.append(_r(s.salience))
        lo = s.position_range.low if s.position_range else s.position
        hi = s.position_range.high if s.position_range else s.position
        err_minus.append(_r(s.position - lo))
        err_plus.append(_r(hi - s.position))
        text.append(
            f"{names[s.actor]}\x00br\x00position {s.position:g} (range {lo:g}-{hi:g})\x00br\x00salience {s.salience:g}"
            f"\x00br\x00capability {caps[s.actor]:g}\x00br\x00{issue.label_for(s.position)}"
        )
    data: list[dict[str, Any]] = [{
        "type": "scatter", "mode": "markers", "name": "actors", "x": xs, "y": ys,
        "text": text, "hovertemplate": "%{text}\x00extra\x00\x00/extra\x00",
        "error_x": {"type": "data", "symmetric": False, "array": err_plus, "arrayminus": err_minus,
                    "color": "#999999", "thickness": 1, "width": 3},
        "marker": {"size": sizes, "sizemode": "diameter", "color": colours, "cmin": 0, "cmax": 100,
                   "colorscale": "Viridis", "line": {"color": "#333333", "width": 0.5}, "opacity": 0.85,
                   "colorbar": {"title": {"text": "salience"}, "thickness": 12, "len": 0.8}},
        "showlegend": False,
    }]
    shapes = []
    annotations = []
    if issue.status_quo is not None:
        shapes.append(_vline(issue.status_quo, "#333333", "dot"))
        annotations.append({"x": _r(issue.status_quo), "y": 1.0, "yref": "paper", "yanchor": "bottom",
                            "text": "status quo", "showarrow": False, "font": {"size": 10}})
    for engine, value in (forecasts or {}).items():
        shapes.append(_vline(value, engine_colour(engine), "dash"))
        data.append({"type": "scatter", "mode": "lines", "name": f"{engine} forecast {value:.1f}",
                     "x": [None], "y": [None], "line": {"color": engine_colour(engine), "dash": "dash"}})
    height = max(260, 26 * len(stances) + 110)
    return {
        "data": data,
        "layout": _layout(
            f"{issue.name}: where the actors stand",
            xaxis={**_scale_axis(issue, ""), "automargin": True},
            yaxis={"automargin": True, "type": "category", "categoryorder": "array", "categoryarray": ys},
            shapes=shapes, annotations=annotations, height=height + 30 * ((len(forecasts or {}) + 3) // 4),
            legend={"orientation": "h", "y": -0.04, "yanchor": "top", "font": {"size": 11}},
        ),
    }


@_text_only
def trajectories(issue_index: int, runs: Mapping[str, ForecastResult]) -> Figure:
    """Each engine's forecast round by round on one issue, and every actor's path for the
    iterative engines (one engine shown at a time; the buttons switch)."""
    issue = next(iter(runs.values())).scenario.issues[issue_index]
    data: list[dict[str, Any]] = []
    groups: list[tuple[str, list[int]]] = []
    for engine, run in runs.items():
        traj = run.trajectory
        rounds = list(range(traj.rounds + 1))
        idx: list[int] = []
        if traj.rounds > 0:
            actor_names = {a.id: a.name for a in run.scenario.actors}
            for a, actor in enumerate(run.arrays.actor_ids):
                if not run.arrays.mask[a, issue_index]:
                    continue
                idx.append(len(data))
                data.append({
                    "type": "scatter", "mode": "lines", "name": actor_names.get(actor, actor),
                    "x": rounds, "y": [_r(v) for v in traj.positions[:, a, issue_index]],
                    "line": {"width": 1, "color": "#bbbbbb"}, "legendgroup": engine, "showlegend": False,
                    "hovertemplate": f"{actor_names.get(actor, actor)}: %{{y:.1f}} (round %{{x}})\x00extra\x00{engine}\x00/extra\x00",
                })
        idx.append(len(data))
        ys = [_r(v) for v in traj.forecast[:, issue_index]]
        data.append({
            "type": "scatter", "mode": "lines+markers" if traj.rounds == 0 else "lines",
            "name": f"{engine} forecast", "x": rounds if traj.rounds > 0 else [0], "y": ys,
            "line": {"width": 3, "color": engine_colour(engine)}, "marker": {"size": 9},
            "legendgroup": engine,
            "hovertemplate": f"{engine} forecast: %{{y:.1f}} (round %{{x}})\x00extra\x00\x00/extra\x00",
        })
        groups.append((engine, idx))
    n = len(data)
    first_iterative = next((e for e, r in runs.items() if r.trajectory.rounds > 0), None)

    def visible(show: str | None) -> list[bool]:
        vis = [False] * n
        for engine, idx in groups:
            for i in idx:
                is_forecast = i == idx[-1]
                vis[i] = is_forecast or engine == show
        return vis

    for i, v in enumerate(visible(first_iterative)):
        data[i]["visible"] = v
    buttons = [{"label": f"actors: {e}", "method": "restyle", "args": [{"visible": visible(e)}]}
               for e, r in runs.items() if r.trajectory.rounds > 0]
    buttons.append({"label": "forecasts only", "method": "restyle", "args": [{"visible": visible(None)}]})
    layout = _layout(
        f"{issue.name}: positions round by round",
        xaxis={"title": {"text": "round"}, "zeroline": False, "gridcolor": "#eeeeee", "automargin": True},
        yaxis={**_scale_axis(issue, "position"), "automargin": True},
        height=400, legend={"orientation": "h", "y": -0.2, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
    )
    if len(buttons) > 1:
        layout["updatemenus"] = [{"type": "buttons", "direction": "right", "x": 0, "xanchor": "left",
                                  "y": 1.12, "yanchor": "bottom", "buttons": buttons, "showactive": True,
                                  "pad": {"r": 4, "t": 0}, "font": {"size": 11}}]
    return {"data": data, "layout": layout}


@_text_only
def engine_comparison(scenario: Scenario, runs: Mapping[str, ForecastResult]) -> Figure:
    """Every engine's final forecast per issue, with the status quo, on one chart."""
    names = [i.name for i in scenario.issues]
    data: list[dict[str, Any]] = []
    sq = [(_r(i.status_quo), i.name) for i in scenario.issues if i.status_quo is not None]
    if sq:
        data.append({"type": "scatter", "mode": "markers", "name": "status quo", "x": [v for v, _ in sq],
                     "y": [n for _, n in sq], "marker": {"symbol": "line-ns-open", "size": 18, "color": "#333333",
                                                         "line": {"width": 2}}})
    for engine, run in runs.items():
        data.append({"type": "scatter", "mode": "markers", "name": engine,
                     "x": [_r(i.forecast) for i in run.issues], "y": names,
                     "marker": {"size": 12, "color": engine_colour(engine), "opacity": 0.9},
                     "hovertemplate": f"{engine}: %{{x:.1f}}\x00extra\x00%{{y}}\x00/extra\x00"})
    return {"data": data, "layout": _layout(
        "Forecast by engine", xaxis={"title": {"text": "forecast (0-100)"}, "range": [-2, 102],
                                     "gridcolor": "#eeeeee", "zeroline": False},
        yaxis={"automargin": True, "type": "category", "categoryorder": "array",
               "categoryarray": list(reversed(names))},
        height=max(240, 60 * len(names) + 100), legend={"orientation": "h", "y": -0.25, "yanchor": "top"})}


@_text_only
def ensemble_intervals(scenario: Scenario, summaries: Sequence[IssueSummary], title: str) -> Figure:
    """Median with 50/80/90% intervals per issue (thicker = narrower)."""
    names = [s.name for s in summaries]
    data: list[dict[str, Any]] = []
    for lo, hi, width, label, colour in (("p05", "p95", 4, "90% interval", "#c6dbef"),
                                         ("p10", "p90", 9, "80% interval", "#6baed6"),
                                         ("p25", "p75", 16, "50% interval", "#2171b5")):
        xs: list[float | None] = []
        ys: list[str | None] = []
        for s in summaries:
            xs += [_r(s.quantiles[lo]), _r(s.quantiles[hi]), None]
            ys += [s.name, s.name, None]
        data.append({"type": "scatter", "mode": "lines", "name": label, "x": xs, "y": ys,
                     "line": {"width": width, "color": colour}, "hoverinfo": "skip"})
    data.append({
        "type": "scatter", "mode": "markers", "name": "median", "x": [_r(s.median) for s in summaries],
        "y": names, "marker": {"size": 12, "color": "#08306b", "symbol": "diamond"},
        "text": [f"median {s.median:.1f}; 50% {s.quantiles['p25']:.1f}-{s.quantiles['p75']:.1f}; "
                 f"80% {s.quantiles['p10']:.1f}-{s.quantiles['p90']:.1f}; "
                 f"90% {s.quantiles['p05']:.1f}-{s.quantiles['p95']:.1f}" for s in summaries],
        "hovertemplate": "%{y}\x00br\x00%{text}\x00extra\x00\x00/extra\x00",
    })
    sq = [(s.status_quo, s.name) for s in summaries if s.status_quo is not None]
    if sq:
        data.append({"type": "scatter", "mode": "markers", "name": "status quo", "x": [_r(v) for v, _ in sq],
                     "y": [n for _, n in sq], "marker": {"symbol": "line-ns-open", "size": 20, "color": "#d62728",
                                                         "line": {"width": 2}}})
    return {"data": data, "layout": _layout(
        title, xaxis={"title": {"text": "forecast (0-100)"}, "range": [-2, 102], "gridcolor": "#eeeeee",
                      "zeroline": False},
        yaxis={"automargin": True, "type": "category", "categoryorder": "array",
               "categoryarray": list(reversed(names))},
        height=max(240, 60 * len(names) + 100), legend={"orientation": "h", "y": -0.25, "yanchor": "top"})}


@_text_only
def band_probabilities(scenario: Scenario, summaries: Sequence[IssueSummary]) -> Figure:
    """Probability of landing in each band between consecutive anchors, per issue (stacked)."""
    names = [s.name for s in summaries]
    width = max(len(s.bands) for s in summaries) if summaries else 0
    palette = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b", "#041c3c"]
    data: list[dict[str, Any]] = []
    for b in range(width):
        xs, labels, texts = [], [], []
        for s in summaries:
            items = list(s.bands.items())
            label, p = items[b] if b < len(items) else ("", 0.0)
            issue = scenario.issue(s.id)
            lo_hi = issue.bands()[b] if b < len(issue.bands()) else None
            words = issue.label_for((lo_hi[0] + lo_hi[1]) / 2) if lo_hi else ""
            xs.append(_r(100 * p, 2))
            labels.append(label)
            texts.append(f"{label}: {100 * p:.0f}%" + (f"\x00br\x00{words}" if words else ""))
        data.append({
            "type": "bar", "orientation": "h", "name": f"band {b + 1}", "x": xs, "y": names,
            "text": [f"{x:.0f}%" if x and x >= 6 else "" for x in xs], "textposition": "inside",
            "hovertext": texts, "hovertemplate": "%{hovertext}\x00extra\x00%{y}\x00/extra\x00",
            "marker": {"color": palette[min(b, len(palette) - 1)], "line": {"color": "#333333", "width": 0.5}},
            "showlegend": False, "insidetextanchor": "middle",
            "textfont": {"color": "#000000" if b < 2 else "#ffffff"},
        })
    return {"data": data, "layout": _layout(
        "Probability of each band between anchors (low to high, left to right)", barmode="stack",
        xaxis={"title": {"text": "probability (%)"}, "range": [0, 100]},
        yaxis={"automargin": True, "type": "category", "categoryorder": "array",
               "categoryarray": list(reversed(names))},
        height=max(220, 55 * len(names) + 90))}


@_text_only
def ensemble_histogram(ensemble: EnsembleResult, issue_index: int, bins: int = 50) -> Figure:
    """The distribution of forecasts on one issue, stacked by engine (pre-binned, so compact)."""
    issue = ensemble.scenario.issues[issue_index]
    edges = np.linspace(issue.scale_min, issue.scale_max, bins + 1)
    centres = [_r((edges[i] + edges[i + 1]) / 2) for i in range(bins)]
    total = sum(v.shape[0] for v in ensemble.values.values()) or 1
    data: list[dict[str, Any]] = []
    for engine, values in ensemble.values.items():
        counts, _ = np.histogram(np.clip(values[:, issue_index], issue.scale_min, issue.scale_max), bins=edges)
        data.append({"type": "bar", "name": engine, "x": centres, "y": [_r(100 * c / total, 3) for c in counts],
                     "marker": {"color": engine_colour(engine)}, "width": _r(float(edges[1] - edges[0]) * 0.95),
                     "hovertemplate": f"{engine}: %{{y:.1f}}% near %{{x:.0f}}\x00extra\x00\x00/extra\x00"})
    summary = ensemble.issues[issue_index]
    shapes = [_vline(summary.median, "#08306b")]
    if issue.status_quo is not None:
        shapes.append(_vline(issue.status_quo, "#d62728", "dot"))
    return {"data": data, "layout": _layout(
        f"{issue.name}: distribution of forecasts ({ensemble.draws} draws; median {summary.median:.1f})",
        barmode="stack", xaxis={**_scale_axis(issue, "forecast"), "automargin": True},
        yaxis={"title": {"text": "% of draws"}, "gridcolor": "#eeeeee", "automargin": True},
        shapes=shapes, height=320, bargap=0, legend={"orientation": "h", "y": -0.25, "yanchor": "top"})}


@_text_only
def pivotal_actors(scenario: Scenario, sensitivities: Sequence[Sensitivity], engine: str, top: int = 15) -> Figure:
    """The largest forecast effects of a one-point change of one actor's input."""
    names = {a.id: a.name for a in scenario.actors}
    issue_names = {i.id: i.name for i in scenario.issues}
    ranked = sorted(sensitivities, key=lambda s: (-(abs(s.position) * 10 + abs(s.salience) * 10
                                                    + abs(s.capability)), s.issue, s.actor))[:top]
    labels = [f"{names.get(s.actor, s.actor)} / {issue_names.get(s.issue, s.issue)}" for s in ranked]
    data = []
    for field, label, colour in (("position", "per 10 position points", "#0072B2"),
                                 ("salience", "per 10 salience points", "#E69F00"),
                                 ("capability", "per +10% capability", "#009E73")):
        scale = 10.0 if field != "capability" else 1.0
        data.append({"type": "bar", "orientation": "h", "name": label, "y": labels,
                     "x": [_r(getattr(s, field) * scale) for s in ranked], "marker": {"color": colour},
                     "hovertemplate": "%{y}: %{x:+.2f} forecast points\x00extra\x00" + label + "\x00/extra\x00"})
    return {"data": data, "layout": _layout(
        f"Pivotal actors ({engine}): forecast change when one input moves",
        barmode="group", xaxis={"title": {"text": "change of the issue's forecast"}, "zeroline": True,
                                "zerolinecolor": "#999999", "gridcolor": "#eeeeee"},
        yaxis={"automargin": True, "type": "category", "categoryorder": "array",
               "categoryarray": list(reversed(labels))},
        height=max(280, 34 * len(labels) + 120), legend={"orientation": "h", "y": -0.12, "yanchor": "top"})}


@_text_only
def shock_comparison(scenario: Scenario, baseline: Sequence[IssueSummary],
                     shocked: Mapping[str, Sequence[IssueSummary]], shock_names: Mapping[str, str]) -> Figure:
    """Baseline median (with its 80% interval) against the median under each shock, per issue."""
    names = [s.name for s in baseline]
    data: list[dict[str, Any]] = [{
        "type": "scatter", "mode": "markers", "name": "baseline", "y": names,
        "x": [_r(s.median) for s in baseline], "marker": {"size": 13, "color": "#333333", "symbol": "circle"},
        "error_x": {"type": "data", "symmetric": False,
                    "array": [_r(s.quantiles["p90"] - s.median) for s in baseline],
                    "arrayminus": [_r(s.median - s.quantiles["p10"]) for s in baseline],
                    "color": "#999999", "thickness": 1.5},
        "hovertemplate": "baseline: %{x:.1f}\x00extra\x00%{y}\x00/extra\x00",
    }]
    palette = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    for n, (shock_id, summaries) in enumerate(shocked.items()):
        data.append({
            "type": "scatter", "mode": "markers", "name": shock_names.get(shock_id, shock_id), "y": names,
            "x": [_r(s.median) for s in summaries],
            "marker": {"size": 11, "color": palette[n % len(palette)], "symbol": "diamond"},
            "text": [f"{a.median - b.median:+.1f} vs baseline" for a, b in zip(summaries, baseline, strict=True)],
            "hovertemplate": "%{x:.1f} (%{text})\x00extra\x00" + shock_id + "\x00/extra\x00",
        })
    return {"data": data, "layout": _layout(
        "Shocks: median forecast against the baseline (bars: baseline 80% interval)",
        xaxis={"title": {"text": "median forecast"}, "range": [-2, 102], "gridcolor": "#eeeeee", "zeroline": False},
        yaxis={"automargin": True, "type": "category", "categoryorder": "array",
               "categoryarray": list(reversed(names))},
        height=max(260, 60 * len(names) + 120), legend={"orientation": "h", "y": -0.25, "yanchor": "top"})}


def to_json(figure: Figure) -> str:
    """Compact, deterministic JSON for a figure, safe to embed in an HTML ``<script>`` data block."""
    text = json.dumps(figure, separators=(",", ":"), sort_keys=True, allow_nan=False, ensure_ascii=True)
    # neutralise sequences that could end the script element or open a comment inside it
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
