"""Rendering a report as one self-contained HTML file.

Everything is inline: the CSS, Plotly.js (from the installed ``plotly`` package), the chart
specifications as JSON data blocks and a small script that draws them. A Content-Security-Policy
in the page allows only those two scripts (by hash) and no network access at all, so the file
opens offline and any markup that slipped into a text field could not run. All text is escaped
by Jinja2's autoescaping. The output has no timestamps or random ids: the same inputs and seed
give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from stratagem import __version__
from stratagem.model.io import atomic_writer
from stratagem.report import charts
from stratagem.report.build import PERSUASION_ENGINE, ReportData

# Draws every `.chart` element from the JSON data block its data-spec attribute names.
BOOT_JS = """(function () {
  "use strict";
  function draw(root) {
    var nodes = (root || document).querySelectorAll(".chart[data-spec]");
    for (var i = 0; i < nodes.length; i++) {
      var div = nodes[i];
      if (div.getAttribute("data-drawn")) { continue; }
      var block = document.getElementById(div.getAttribute("data-spec"));
      if (!block || typeof Plotly === "undefined") { continue; }
      var spec = JSON.parse(block.textContent);
      Plotly.newPlot(div, spec.data, spec.layout, {responsive: true, displaylogo: false});
      div.setAttribute("data-drawn", "1");
    }
  }
  window.stratagemDraw = draw;
  draw();
})();
"""


def _f(digits: int) -> Any:
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.{digits}f}"
    return fmt


def _most_likely(bands: Mapping[str, float]) -> tuple[str, float]:
    if not bands:
        return ("", 0.0)
    return max(bands.items(), key=lambda kv: kv[1])


def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescaping on, undefined names are errors)."""
    env = Environment(loader=PackageLoader("stratagem.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)
    install_filters(env)
    return env


def install_filters(env: Environment) -> None:
    env.filters["f0"] = _f(0)
    env.filters["f1"] = _f(1)
    env.filters["pct"] = lambda p: f"{100 * p:.0f}%"
    env.filters["most_likely"] = _most_likely
    env.filters["chart_json"] = lambda fig: Markup(charts.to_json(fig))  # to_json escapes < > &


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly.js as bundled with the installed plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    text = str(get_plotlyjs())
    if "</script" in text.lower():  # pragma: no cover - not the case in any plotly release we know
        raise RuntimeError("plotly.js contains '</script' and cannot be inlined")
    return text


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (resources.files("stratagem.report") / "templates" / "style.css").read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_report(data: ReportData) -> str:
    """The report as one HTML document (a string)."""
    sc = data.scenario
    js = plotly_js()
    csp = ("default-src 'none'; script-src " + _sha256(js) + " " + _sha256(BOOT_JS)
           + "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none';"
           " base-uri 'none'; form-action 'none'")
    middle = []
    for k in range(len(sc.issues)):
        values = sorted(r.issues[k].forecast for r in data.runs.values())
        middle.append(values[len(values) // 2])
    seen: dict[str, int] = {}
    persuasion_top = []
    for p in data.persuasion:
        seen[p.issue] = seen.get(p.issue, 0) + 1
        if seen[p.issue] <= 3:
            persuasion_top.append(p)
    template = environment().get_template("report.html")
    return template.render(
        sc=sc, data=data, figures=data.figures, version=__version__, csp=Markup(csp), css=Markup(stylesheet()),
        plotly_js=Markup(js), boot_js=Markup(BOOT_JS), middle=middle, persuasion_top=persuasion_top,
        persuasion_engine=PERSUASION_ENGINE, actor_names={a.id: a.name for a in sc.actors},
    )


def write_report(data: ReportData, path: str | Path) -> Path:
    """Render and write atomically: on any failure the target is left as it was."""
    html = render_report(data)
    target = Path(path)
    with atomic_writer(target) as out:
        out.write(html)
    return target
