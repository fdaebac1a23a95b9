"""Static PNG versions of the report's charts, drawn with Matplotlib (Agg, no display needed).

Each file is written atomically by :func:`stratagem.model.files.write_bytes_atomic`. Returns the paths written.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from stratagem.model.files import check_output_directory, write_bytes_atomic
from stratagem.report.build import ReportData
from stratagem.report.charts import engine_colour


def _save(fig: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    write_bytes_atomic(path, buffer.getvalue(), what="chart")
    return path


def write_pngs(data: ReportData, directory: str | Path) -> list[Path]:
    """Actor maps and trajectories per issue, the engine comparison, the forecast distribution,
    band probabilities, pivotal actors and shocks, as PNG files in ``directory`` (created if needed)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    out = check_output_directory(directory, what="charts")
    sc = data.scenario
    names = {a.id: a.name for a in sc.actors}
    caps = {a.id: a.capability for a in sc.actors}
    written: list[Path] = []
    plt.rcParams.update({"font.size": 9, "svg.hashsalt": "stratagem"})
    try:
        for k, issue in enumerate(sc.issues):
            stances = sorted((s for s in sc.stances if s.issue == issue.id), key=lambda s: (s.position, s.actor))
            cmax = max(caps[s.actor] for s in stances) or 1.0
            fig, ax = plt.subplots(figsize=(8, 0.32 * len(stances) + 1.6))
            ys = list(range(len(stances)))
            lows = [s.position - (s.position_range.low if s.position_range else s.position) for s in stances]
            highs = [(s.position_range.high if s.position_range else s.position) - s.position for s in stances]
            ax.errorbar([s.position for s in stances], ys, xerr=[lows, highs], fmt="none", ecolor="#999999",
                        elinewidth=1, capsize=2, zorder=1)
            points = ax.scatter([s.position for s in stances], ys, s=[(8 + 26 * math.sqrt(caps[s.actor] / cmax)) ** 2
                                                                   for s in stances],
                                c=[s.salience for s in stances], cmap="viridis", vmin=0, vmax=100,
                                edgecolors="#333333", linewidths=0.5, zorder=2, alpha=0.85)
            fig.colorbar(points, ax=ax, label="salience")
            if issue.status_quo is not None:
                ax.axvline(issue.status_quo, color="#333333", linestyle=":", label="status quo")
            for engine, run in data.runs.items():
                ax.axvline(run.issues[k].forecast, color=engine_colour(engine), linestyle="--",
                           label=f"{engine} {run.issues[k].forecast:.1f}")
            ax.set_yticks(ys, [names[s.actor] for s in stances])
            ax.set_xlim(issue.scale_min - 2, issue.scale_max + 2)
            ax.set_xlabel("position")
            ax.set_title(f"{issue.name}: where the actors stand", loc="left")
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.2 / (len(stances) + 4)), ncol=6,
                      fontsize=7, frameon=False)
            written.append(_save(fig, out / f"map-{issue.id}.png"))
            plt.close(fig)

            fig, ax = plt.subplots(figsize=(8, 3.4))
            for engine, run in data.runs.items():
                ys_f = run.trajectory.forecast[:, k]
                if run.trajectory.rounds > 0:
                    ax.plot(range(len(ys_f)), ys_f, color=engine_colour(engine), linewidth=2, label=engine)
                else:
                    ax.scatter([0], [ys_f[-1]], color=engine_colour(engine), label=engine, zorder=3)
            ax.set_ylim(issue.scale_min - 2, issue.scale_max + 2)
            ax.set_xlabel("round")
            ax.set_ylabel("forecast")
            ax.set_title(f"{issue.name}: forecast round by round", loc="left")
            ax.legend(fontsize=7, ncol=5, frameon=False)
            written.append(_save(fig, out / f"trajectory-{issue.id}.png"))
            plt.close(fig)

        summaries = data.ensemble.issues
        labels = [s.name for s in summaries][::-1]
        fig, ax = plt.subplots(figsize=(8, 0.6 * len(summaries) + 1.4))
        for n, s in enumerate(reversed(summaries)):
            q = s.quantiles
            ax.hlines(n, q["p05"], q["p95"], color="#c6dbef", linewidth=4)
            ax.hlines(n, q["p10"], q["p90"], color="#6baed6", linewidth=8)
            ax.hlines(n, q["p25"], q["p75"], color="#2171b5", linewidth=13)
            ax.plot([s.median], [n], marker="D", color="#08306b")
            if s.status_quo is not None:
                ax.plot([s.status_quo], [n], marker="|", markersize=16, color="#d62728")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlim(-2, 102)
        ax.set_xlabel("forecast (50/80/90% intervals, median; red: status quo)")
        ax.set_title(f"Forecast distribution ({data.ensemble.draws} draws)", loc="left")
        written.append(_save(fig, out / "distribution.png"))
        plt.close(fig)

        fig, ax = plt.subplots(figsize=(8, 0.55 * len(summaries) + 1.4))
        for n, s in enumerate(reversed(summaries)):
            left = 0.0
            for b, (label, p) in enumerate(s.bands.items()):
                colour = plt.get_cmap("Blues")(0.15 + 0.8 * b / max(1, len(s.bands) - 1))
                ax.barh(n, 100 * p, left=left, color=colour, edgecolor="#333333", linewidth=0.5)
                if p >= 0.08:
                    ax.text(left + 50 * p, n, f"{label}\n{100 * p:.0f}%", ha="center", va="center", fontsize=6,
                            color="white" if b >= 2 else "black")
                left += 100 * p
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlim(0, 100)
        ax.set_xlabel("probability (%) of each band between anchors")
        ax.set_title("Band probabilities", loc="left")
        written.append(_save(fig, out / "bands.png"))
        plt.close(fig)

        ranked = sorted(data.sensitivities, key=lambda s: (-(abs(s.position) * 10 + abs(s.salience) * 10
                                                              + abs(s.capability)), s.issue, s.actor))[:15]
        if ranked:
            fig, ax = plt.subplots(figsize=(8, 0.38 * len(ranked) + 1.4))
            ys = list(range(len(ranked)))[::-1]
            h = 0.27
            ax.barh([y + h for y in ys], [10 * s.position for s in ranked], height=h, label="per 10 position points")
            ax.barh(ys, [10 * s.salience for s in ranked], height=h, label="per 10 salience points")
            ax.barh([y - h for y in ys], [s.capability for s in ranked], height=h, label="per +10% capability")
            ax.set_yticks(ys, [f"{names.get(s.actor, s.actor)} / {s.issue}" for s in ranked])
            ax.axvline(0, color="#999999", linewidth=0.8)
            ax.set_xlabel("change of the issue's forecast")
            ax.set_title(f"Pivotal actors ({data.explain_engine})", loc="left")
            ax.legend(fontsize=7, frameon=False)
            written.append(_save(fig, out / "pivotal.png"))
            plt.close(fig)

        if data.shocks:
            fig, ax = plt.subplots(figsize=(8, 0.6 * len(summaries) + 1.6))
            ys = list(range(len(summaries)))[::-1]
            ax.errorbar([s.median for s in summaries], ys,
                        xerr=[[s.median - s.quantiles["p10"] for s in summaries],
                              [s.quantiles["p90"] - s.median for s in summaries]],
                        fmt="o", color="#333333", ecolor="#999999", label="baseline (80% interval)")
            for o in data.shocks:
                ax.scatter([s.median for s in o.ensemble.issues], ys, marker="D", label=o.shock.name[:50], zorder=3)
            ax.set_yticks(ys, [s.name for s in summaries])
            ax.set_xlim(-2, 102)
            ax.set_xlabel("median forecast")
            ax.set_title("Shocks against the baseline", loc="left")
            ax.legend(fontsize=6, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
            written.append(_save(fig, out / "shocks.png"))
            plt.close(fig)
    finally:
        plt.close("all")
    return written
