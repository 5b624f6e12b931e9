"""Charts for the notebooks (matplotlib): time on a local-time axis, sentiment in fixed colours,
labels in the office's language. Each function draws on an Axes it is given and returns it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import matplotlib.dates as mdates
from matplotlib.axes import Axes

from monitor.analysis.quality import QualityReport
from monitor.analysis.volume import Series
from monitor.i18n import Messages

# The same colour means the same sentiment in every chart; "-" is "not classified".
SENTIMENT_COLORS = {"negative": "#c0392b", "neutral": "#95a5a6", "positive": "#27ae60", "-": "#d5d8dc"}
SENTIMENT_ORDER = ("negative", "neutral", "positive", "-")


def label_of(value: str, say: Messages) -> str:
    """A sentiment's word in the office's language; other values as they are."""
    key = f"sentiment.{value}"
    return say(key) if say.has(key) else value


def _x(points: Series) -> Any:
    """Bucket starts as matplotlib's date numbers (the formatter shows them in local time)."""
    return mdates.date2num([at for at, _ in points])


def _width(points: Series) -> float:
    """A bar's width in matplotlib's date unit (days): 90 % of the bucket."""
    step = points[1][0] - points[0][0] if len(points) > 1 else timedelta(hours=1)
    return step / timedelta(days=1) * 0.9


def time_axis(ax: Axes, say: Messages) -> Axes:
    """Local times on the x axis, labelled with the zone (WIB, WITA, WIT)."""
    locator = mdates.AutoDateLocator(tz=say.zone)
    ax.xaxis.set_major_locator(locator)
    # Numbers, not month names: dd/mm reads the same in Indonesian and English.
    formatter = mdates.ConciseDateFormatter(
        locator,
        tz=say.zone,
        formats=["%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M"],
    )
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlabel(say("chart.time", zone=datetime.now(say.zone).strftime("%Z")))
    return ax


def plot_volume(ax: Axes, points: Series, say: Messages, *, title: str, color: str = "#2c3e50") -> Axes:
    """Mentions per bucket as bars."""
    if points:
        ax.bar(_x(points), [n for _, n in points], width=_width(points), align="edge", color=color)
    ax.set_title(title)
    ax.set_ylabel(say("chart.mentions"))
    return time_axis(ax, say)


def plot_stacked(
    ax: Axes,
    series: Mapping[str, Series],
    say: Messages,
    *,
    title: str,
    colors: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
) -> Axes:
    """Several series (sentiments, sources) stacked as bars on one time axis."""
    keys = [k for k in (order or ()) if k in series] + [k for k in series if k not in (order or ())]
    bottom: list[int] = []
    for key in keys:
        points = series[key]
        if not points:
            continue
        bottom = bottom or [0] * len(points)
        counts = [n for _, n in points]
        ax.bar(
            _x(points),
            counts,
            width=_width(points),
            align="edge",
            bottom=bottom,
            label=label_of(key, say),
            color=(colors or {}).get(key),
        )
        bottom = [b + n for b, n in zip(bottom, counts, strict=True)]
    ax.set_title(title)
    ax.set_ylabel(say("chart.mentions"))
    if keys:
        ax.legend(loc="upper left", fontsize="small")
    return time_axis(ax, say)


def plot_sentiment(ax: Axes, series: Mapping[str, Series], say: Messages, *, title: str) -> Axes:
    return plot_stacked(ax, series, say, title=title, colors=SENTIMENT_COLORS, order=SENTIMENT_ORDER)


def plot_lines(ax: Axes, series: Mapping[str, Series], say: Messages, *, title: str) -> Axes:
    """Several series as lines (topics, watchlists): how each rises and falls."""
    for key, points in series.items():
        ax.plot(_x(points), [n for _, n in points], marker="o", markersize=3, label=label_of(key, say))
    ax.set_title(title)
    ax.set_ylabel(say("chart.mentions"))
    if series:
        ax.legend(loc="upper left", fontsize="small")
    return time_axis(ax, say)


def plot_ranking(ax: Axes, items: Sequence[tuple[str, float]], say: Messages, *, title: str, xlabel: str) -> Axes:
    """Horizontal bars, the largest on top: top sources, accounts, amplifiers."""
    names = [name for name, _ in items][::-1]
    ax.barh(names, [value for _, value in items][::-1], color="#2c3e50")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return ax


def plot_confusion(ax: Axes, report: QualityReport, say: Messages) -> Axes:
    """The confusion matrix with counts in the cells: rows the true label, columns the model's."""
    matrix = report.confusion()
    ax.imshow(matrix, cmap="Blues")
    names = [label_of(label, say) for label in report.labels]
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel(say("chart.predicted"))
    ax.set_ylabel(say("chart.gold"))
    top = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            ax.text(j, i, str(count), ha="center", va="center", color="white" if count > top / 2 else "black")
    ax.set_title(say("chart.confusion", name=report.name, f1=report.macro_f1))
    return ax
