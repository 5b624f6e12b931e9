"""`trend`: mentions per day by sentiment over the last days, as a stacked bar chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pydantic import Field

from monitor.digest import charts, templating
from monitor.digest.day import SENTIMENTS, DigestDay, Image, Part
from monitor.plugin import Plugin, PluginContext, PluginOptions


class Options(PluginOptions):
    # The digest's day and the days before it.
    days: int = Field(default=7, ge=2, le=31)


@dataclass(frozen=True)
class DayCounts:
    label: str  # "Jum\n20" (two lines under a bar)
    date: str  # "Jumat, 20 Nov 2026"
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def gather(day: DigestDay, days: int) -> list[DayCounts]:
    rows = []
    for back in range(days - 1, -1, -1):
        when = day.day - timedelta(days=back)
        label = f"{day.say.words('calendar.weekdays')[when.weekday()][:3]}\n{when.day}"
        rows.append(DayCounts(label, day.date_text(when), day.sentiment_counts(day.filter(days_back=back))))
    return rows


HTML = """
{% from "macros.html.j2" import chart %}
{{ chart(images[0]) }}
"""

TEXT = """
{% for row in rows %}
- {{ say("digest.trend.row", date=row.date, total=say.number(row.total), positive=say.number(row.counts.positive), neutral=say.number(row.counts.neutral), negative=say.number(row.counts.negative)) }}
{% endfor %}
"""


@dataclass(frozen=True)
class TrendSection:
    name: str
    options: Options

    def build(self, day: DigestDay) -> Part | None:
        say, days = day.say, self.options.days
        rows = gather(day, days)
        if not any(row.total for row in rows):
            return None
        series = [(say(f"sentiment.{s}"), charts.COLOURS[s], [row.counts[s] for row in rows]) for s in SENTIMENTS]
        png = charts.stacked_bars([row.label for row in rows], series)
        image = Image(f"trend.{day.day.isoformat()}@humas-monitor", png, say("digest.trend.alt", days=days))
        title = say("digest.trend.title", days=days)
        return templating.part(self.name, title, HTML, TEXT, images=(image,), rows=rows, say=say)


def build(name: str, options: Options, context: PluginContext) -> TrendSection:
    return TrendSection(name, options)


PLUGIN = Plugin(Options, build)
