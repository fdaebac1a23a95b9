"""The backtest report: scores per engine and the reliability diagram, as one self-contained HTML file.

Built like the scenario report (stratagem.report.html): Plotly.js inline, chart
specifications as JSON data blocks, a Content-Security-Policy that allows only
those scripts by hash and no network, every text escaped, no timestamps, and an
atomic write.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from markupsafe import escape

from stratagem import __version__
from stratagem.analysis.backtest import RECOMMENDED, BacktestResult
from stratagem.model.io import atomic_writer
from stratagem.report.charts import Figure, engine_colour, to_json
from stratagem.report.html import BOOT_JS, plotly_js, stylesheet

LEARNED_COLOURS = {"focal": "#882255", "blend": "#117733"}  # not in the engine palette: told apart here


def _script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def reliability_figure(curves: dict[str, list[tuple[float, float]]]) -> Figure:
    """Observed against nominal coverage of central intervals; the diagonal is perfect calibration."""
    data: list[dict[str, object]] = [{
        "type": "scatter", "mode": "lines", "x": [0, 1], "y": [0, 1], "name": "calibrated",
        "line": {"color": "#999999", "dash": "dot"}, "hoverinfo": "skip",
    }]
    for name, points in curves.items():
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name,
            "x": [round(p[0], 4) for p in points], "y": [round(p[1], 4) for p in points],
            "line": {"color": LEARNED_COLOURS.get(name, engine_colour(name))},
            "hovertemplate": "%{x:.0%} interval holds %{y:.0%} of outcomes<extra>" + name + "</extra>",
        })
    layout = {
        "title": {"text": "Reliability of the forecast intervals"},
        "xaxis": {"title": {"text": "nominal coverage of the central interval"}, "range": [0, 1],
                  "tickformat": ".0%"},
        "yaxis": {"title": {"text": "share of outcomes inside"}, "range": [0, 1], "tickformat": ".0%"},
        "height": 420, "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    }
    return {"data": data, "layout": layout}


def render_backtest(result: BacktestResult, title: str) -> str:
    """The backtest report as one HTML document."""
    js = plotly_js()
    csp = ("default-src 'none'; script-src " + _script_hash(js) + " " + _script_hash(BOOT_JS)
           + "; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'; base-uri 'none';"
           " form-action 'none'")
    rows = []
    for name, s in sorted(result.scores.items(), key=lambda kv: kv[1].mae):
        label = f"{name} (recommended)" if name == RECOMMENDED else name
        cov = "–" if s.coverage80 is None else f"{s.coverage80:.2f}"
        crps = "–" if s.crps is None else f"{s.crps:.1f}"
        rows.append(f"<tr><td>{escape(label)}</td><td>{s.mae:.1f} ({s.mae_ci95[0]:.1f}–{s.mae_ci95[1]:.1f})</td>"
                    f"<td>{s.rmse:.1f}</td><td>{s.hit10:.2f}</td><td>{cov}</td><td>{crps}</td></tr>")
    curves = result.calibration()
    chart = ""
    if curves:
        chart = ('<div class="chart" data-spec="spec-reliability"></div>'
                 f'<script type="application/json" id="spec-reliability">{to_json(reliability_figure(curves))}'
                 "</script>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f"<title>{escape(title)}</title><style>{stylesheet()}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>"
        f"<p>{result.n} issues of {result.proposals} proposals; learned forecasters cross-validated in folds "
        "grouped by proposal; 95% bootstrap intervals resample proposals. hit10 = share within 10 points; "
        "coverage80 = share of outcomes inside the 80% interval.</p>"
        "<table><thead><tr><th>engine</th><th>MAE (95% CI)</th><th>RMSE</th><th>hit10</th><th>coverage80</th>"
        f"<th>CRPS</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<h2>Calibration</h2>{chart}"
        f"<footer>stratagem {escape(__version__)}</footer></main>"
        f"<script>{js}</script><script>{BOOT_JS}</script></body></html>\n"
    )


def write_backtest_report(result: BacktestResult, path: str | Path, title: str) -> Path:
    """Render and write atomically."""
    html = render_backtest(result, title)
    target = Path(path)
    with atomic_writer(target) as out:
        out.write(html)
    return target
