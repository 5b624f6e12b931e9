"""Charts as PNG bytes with matplotlib (no pyplot: no global state, safe from scheduler threads).

White background and dark ink on purpose: clients that force dark mode leave images alone, so
a chart stays a readable light card on a dark page. 2x pixels for phone screens.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# The email's sentiment colours (the HTML uses the same ones).
COLOURS = {"positive": "#059669", "neutral": "#9ca3af", "negative": "#dc2626"}
ACCENT, MUTED = "#1d4ed8", "#9ca3af"
# Narrow enough that labels stay legible when a phone shrinks the chart to ~330 px.
WIDTH_IN, DPI = 4.4, 250


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No timestamp or version in the file: the same data gives the same bytes.
    figure.savefig(buffer, format="png", facecolor="white", metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def _tidy(ax: Axes) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="both", labelsize=10, colors="#374151", length=0)
    ax.grid(axis="y", color="#e5e7eb", linewidth=0.6)
    ax.set_axisbelow(True)


def stacked_bars(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]]) -> bytes:
    """Bars per label stacked by series (name, colour, values): volume per day by sentiment."""
    figure = _figure(2.6)
    ax = figure.add_subplot()
    bottom = [0] * len(labels)
    # Positions, not the labels themselves: matplotlib would read "Aug 2026" or "20/11" as dates.
    positions = list(range(len(labels)))
    for name, colour, values in series:
        ax.bar(positions, values, bottom=bottom, color=colour, label=name, width=0.65)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(positions, labels=list(labels))
    _tidy(ax)
    ax.set_ylim(0, max([*bottom, 1]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=9, frameon=False, ncol=len(series), loc="lower left", bbox_to_anchor=(0, 1.0))
    return _png(figure)


def paired_bars(labels: Sequence[str], today: Sequence[float], usual: Sequence[float], names: tuple[str, str]) -> bytes:
    """Horizontal bars, today against the usual level, one pair per label (largest on top)."""
    figure = _figure(0.5 + 0.45 * max(len(labels), 1))
    ax = figure.add_subplot()
    rows = list(range(len(labels)))[::-1]
    ax.barh([r + 0.2 for r in rows], today, height=0.38, color=ACCENT, label=names[0])
    ax.barh([r - 0.2 for r in rows], usual, height=0.38, color=MUTED, label=names[1])
    ax.set_yticks(rows, labels=list(labels))
    _tidy(ax)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#e5e7eb", linewidth=0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=9, frameon=False, loc="lower right")
    return _png(figure)
