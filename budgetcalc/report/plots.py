"""Pictures for a meeting (``--plot FILE.png``), drawn with matplotlib, an optional extra.

Amounts are exact everywhere else; here they become pixel positions, so they are turned into floats only
for drawing, never for a figure anyone reads off as money (the axes are labelled from the exact values'
range). The PNG is reproducible: no date or software version in its metadata.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from budgetcalc.errors import OutputError
from budgetcalc.labels import Lang, label
from budgetcalc.scenarios import Scenario

INSTALL_HINT = 'pictures need matplotlib: pip install ".[plot]" (or pip install matplotlib)'


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise OutputError(INSTALL_HINT) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def plot_comparison(
    frame: pd.DataFrame, inhabitants: Sequence[int], scenarios: Sequence[Scenario], lang: Lang = "nl"
) -> bytes:
    """Per scenario: the difference per area as sorted bars, and the amounts against inhabitants (base and
    scenario as two lines through the areas, sorted by inhabitants, each area a point)."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(len(scenarios), 2, figsize=(13, 1.5 + 0.22 * len(frame)), squeeze=False)
    for row, scenario in enumerate(scenarios):
        bars, curve = axes[row]
        difference = frame[f"{scenario.name}: difference"]
        order = sorted(range(len(frame)), key=lambda index: difference.iloc[index])
        values = [float(difference.iloc[index]) for index in order]  # drawing only
        bars.barh([str(frame["name"].iloc[index]) for index in order], values, color="#4472C4")
        bars.axvline(0, color="black", linewidth=0.8)
        bars.set_title(f"{scenario.name}: {label('difference', lang)} ({label('per_area_chart', lang)})")
        bars.tick_params(axis="y", labelsize=7)
        bars.set_xlabel("€")
        by_inhabitants = sorted(range(len(frame)), key=lambda index: (inhabitants[index], index))
        counts = [inhabitants[index] for index in by_inhabitants]
        for column, name, color, marker, size in (
            ("base", label("base", lang), "#A5A5A5", "o", 5),
            (scenario.name, scenario.name, "#ED7D31", "D", 4),
        ):
            amounts = [float(frame[column].iloc[index]) for index in by_inhabitants]  # drawing only
            curve.plot(
                counts, amounts, label=name, color=color, marker=marker, markersize=size, linewidth=1.2
            )
        curve.set_title(label("staffel_curve", lang))
        curve.set_xlabel(label("inhabitants", lang))
        curve.set_ylabel(f"{label('amount', lang)} (€)")
        curve.legend(loc="upper left")
        curve.grid(alpha=0.3)
    figure.tight_layout()
    data = _png(figure)
    pyplot.close(figure)
    return data


def plot_sweep(rows: pd.DataFrame, paths: Sequence[str], lang: Lang = "nl") -> bytes:
    """The total against the first varied value; with two, one line per value of the second."""
    pyplot = _pyplot()
    figure, axis = pyplot.subplots(figsize=(9, 5))
    good = rows[rows["error"] == ""] if "error" in rows else rows
    groups: list[tuple[object, pd.DataFrame]] = (
        [(None, good)] if len(paths) == 1 else list(good.groupby(paths[1], sort=True))
    )
    for key, part in groups:
        xs = [float(Decimal(value)) for value in part[paths[0]]]  # drawing only
        ys = [float(value) for value in part["total"]]
        axis.plot(xs, ys, marker="o", markersize=3, label=None if key is None else f"{paths[1]} = {key!s}")
    axis.set_xlabel(paths[0])
    axis.set_ylabel(f"{label('total', lang)} (€)")
    axis.grid(alpha=0.3)
    if len(paths) > 1:
        axis.legend(fontsize=8)
    figure.tight_layout()
    data = _png(figure)
    pyplot.close(figure)
    return data
