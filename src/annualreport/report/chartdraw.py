"""The report's bar charts drawn once, as a matplotlib figure: the HTML report saves it as SVG
(`views.Report.chart`), the Word export as PNG (`docx`). The bars are ledger rows `chart.<id>.<n>`;
nothing is computed here.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from annualreport.base.wording import by_unit
from annualreport.typeset import fonts

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from annualreport.figures.charts import ChartDef

RATE_UNITS = {"%"}
PNG_DPI = 200  # the Word export's images: sharp in print, about 60 KB a chart


def draw_chart(chart: ChartDef, ledger: pd.DataFrame) -> Figure:
    """A bar chart of specs/charts.yaml, its bars the ledger rows `chart.<id>.<n>`. The caller saves
    the figure and closes it (`matplotlib.pyplot.close`)."""

    fonts.setup_matplotlib()
    import matplotlib.pyplot as plt

    bars_rows = chart.rows(ledger)
    labels, values = list(bars_rows["label"]), [float(v) for v in bars_rows["value"]]
    fig, ax = plt.subplots(figsize=(7.2, 3.2), dpi=100)
    bars = ax.bar(labels, values, color="#9b2335", width=0.6)
    ax.bar_label(bars, labels=[by_unit(v, chart.unit) for v in bars_rows["value"]], fontsize=9, padding=2)
    # no title (the caption below the chart names it); the unit reads horizontally above the axis
    ax.annotate(
        chart.unit,
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, 8),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=9,
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=9)
    if chart.unit in RATE_UNITS:
        ax.set_ylim(0, 100)
    fig.tight_layout()
    return fig


def chart_png(chart: ChartDef, ledger: pd.DataFrame, dpi: int = PNG_DPI) -> bytes:
    """The chart as PNG bytes; the same bars give the same bytes (no software or date chunk)."""
    import matplotlib.pyplot as plt

    fig = draw_chart(chart, ledger)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buf.getvalue()
