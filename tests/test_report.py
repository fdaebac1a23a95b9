"""The HTML report: contents, no network, escaping, determinism, atomic writes, PNGs and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stratagem.model.builtin import load_builtin
from stratagem.model.schema import Scenario
from stratagem.report import html as report_html
from stratagem.report.build import ReportData, build_report
from stratagem.report.html import render_report, write_report
from stratagem.store.workspace import Workspace

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _hostile_scenario() -> Scenario:
    """ec-emissions-1994 with markup in names, a note and an anchor label, and a shock."""
    sc = load_builtin("ec-emissions-1994")
    data = sc.model_dump()
    data["name"] = "EC " + HOSTILE
    data["actors"][0]["name"] = "Netherlands " + HOSTILE
    data["stances"][0]["note"] = "note " + HOSTILE
    issue = data["issues"][0]
    issue["anchors"] = [{"value": issue["scale_min"], "label": "lax " + HOSTILE},
                        {"value": issue["scale_max"], "label": "strict"}]
    data["shocks"] = [{"id": "push", "name": "push " + HOSTILE,
                       "changes": [{"action": "shift_position", "actor": data["actors"][0]["id"],
                                    "issue": issue["id"], "value": 2}]}]
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def hostile() -> ReportData:
    return build_report(_hostile_scenario(), draws=40, seed=3, workers=1)


@pytest.fixture(scope="module")
def hostile_html(hostile: ReportData) -> str:
    return render_report(hostile)


def test_report_has_every_section_and_chart(hostile: ReportData, hostile_html: str) -> None:
    for section in ("questions", "forecasts", "maps", "trajectories", "ensemble", "pivotal", "shocks", "stances"):
        assert f'<section id="{section}">' in hostile_html
    issue = hostile.scenario.issues[0].id
    for key in ("engines", f"map-{issue}", f"trajectory-{issue}", "intervals", "bands", f"histogram-{issue}",
                "pivotal", "shocks"):
        assert f'id="chart-{key}"' in hostile_html, key
        assert f'<script type="application/json" id="spec-{key}">' in hostile_html, key
    # every engine's forecast is in the table, as the library computes it
    for name, run in hostile.runs.items():
        assert f'<th class="num">{name}</th>' in hostile_html
        assert f"{run.issues[0].forecast:.1f}" in hostile_html


def test_report_makes_no_network_requests(hostile_html: str) -> None:
    # no external resources in the page (Plotly.js's own strings aside), and a CSP that forbids any fetch
    markup = re.sub(r"<script>.*?</script>", "", hostile_html, flags=re.S)
    assert not re.search(r'\b(src|href)\s*=\s*"(https?:)?//', markup)
    assert "<script src" not in markup and "<link" not in markup
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', hostile_html)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1) and "connect-src 'none'" in csp.group(1)
    # Plotly.js itself is inline
    assert "plotly.js v" in hostile_html[:20000] or "plotly.js v" in hostile_html


def test_inline_scripts_are_exactly_the_hashed_ones(hostile_html: str) -> None:
    import base64
    import hashlib

    scripts = re.findall(r"<script>(.*?)</script>", hostile_html, flags=re.S)
    assert len(scripts) == 2  # Plotly.js and the drawing script; nothing else executes
    csp = re.search(r'content="(default-src[^"]+)"', hostile_html)
    assert csp is not None
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)


def test_user_text_is_escaped(hostile_html: str) -> None:
    assert "<script>alert" not in hostile_html
    assert "<img src=x" not in hostile_html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in hostile_html  # shown as text
    # inside the chart data blocks, markup is \u-escaped so it can neither end the block nor run
    blocks = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', hostile_html, flags=re.S)
    assert blocks and all("<" not in b and ">" not in b for b in blocks)
    assert any("\\u0026lt;script\\u0026gt;" in b for b in blocks)  # Plotly gets it as text (charts.as_text)


def test_same_seed_same_bytes_other_seed_differs() -> None:
    sc = load_builtin("ec-emissions-1994")
    first = render_report(build_report(sc, draws=30, seed=11, workers=1))
    again = render_report(build_report(sc, draws=30, seed=11, workers=2))
    other = render_report(build_report(sc, draws=30, seed=12, workers=1))
    assert first == again
    assert first != other
    markup = re.sub(r"<script>.*?</script>", "", first, flags=re.S)  # Plotly.js has its own date constants
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", markup)  # no timestamps


def test_write_is_atomic(tmp_path: Path, hostile: ReportData, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("previous report", encoding="utf-8")

    def broken(data: ReportData) -> str:
        raise RuntimeError("rendering failed half-way")

    monkeypatch.setattr(report_html, "render_report", broken)
    with pytest.raises(RuntimeError):
        write_report(hostile, target)
    assert target.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_evidence_words_come_from_the_workspace(tmp_path: Path) -> None:
    doc = tmp_path / "talks.txt"
    words = "Iraq will not be a launching pad for attacks on any of its neighbours."
    text = f"Baghdad talks\n\nThe prime minister said on Thursday: \"{words}\" Talks went on.\n"
    doc.write_text(text, encoding="utf-8")
    with Workspace(tmp_path / "ws.db") as ws:
        stored = ws.ingest_file(doc).document_id
    sc = load_builtin("ec-emissions-1994")
    data = sc.model_dump()
    start = text.index(words)
    data["evidence"] = [{"id": "ev-pm", "document": stored, "start": start, "end": start + len(words),
                         "offsets": "source", "kind": "quote", "speaker": "the prime minister", "date": "2020-06-11"},
                        {"id": "ev-escape", "document": "../../etc/passwd", "start": 0, "end": 10}]
    data["documents"] = [{"id": stored, "title": "Baghdad talks", "publisher": "Example Wire"}]
    data["stances"][0]["evidence"] = ["ev-pm", "ev-escape"]
    scenario = Scenario.model_validate(data)
    with Workspace(tmp_path / "ws.db") as ws:
        report = build_report(scenario, draws=20, workers=1, workspace=ws)
    assert report.evidence["ev-pm"].words == words
    assert report.evidence["ev-pm"].source == "workspace"
    assert report.evidence["ev-escape"].words is None  # a path-like id is never opened as a file
    html = render_report(report)
    assert words.replace("'", "&#39;") in html
    assert "Example Wire" in html and "2020-06-11" in html


def test_cli_writes_report_and_pngs(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ec.html"
    result = run_cli("report", "ec-emissions-1994", "-o", str(out), "--draws", "20", "--workers", "1",
                     "--png", str(tmp_path / "png"), "-q")
    assert result.code == 0, result.err
    assert out.exists() and out.stat().st_size > 1_000_000  # Plotly.js is inside
    assert "wrote" in result.out
    pngs = sorted(p.name for p in (tmp_path / "png").iterdir())
    assert "distribution.png" in pngs and "bands.png" in pngs and any(p.startswith("map-") for p in pngs)
    assert all((tmp_path / "png" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_cli_errors_are_one_line(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("report", "no-such-scenario", "-o", str(tmp_path / "x.html"))
    assert result.code == 2
    assert result.err.startswith("error:") and result.err.count("\n") == 1
    result = run_cli("report", "ec-emissions-1994", "-o", str(tmp_path / "missing-dir" / "x.html"), "--draws", "5",
                     "--workers", "1", "-q")
    assert result.code == 2 and "does not exist" in result.err
    assert not (tmp_path / "missing-dir").exists()
