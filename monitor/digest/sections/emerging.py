"""`emerging`: the topics and watchlists rising fastest against their usual level (the daily
average of the days before), with a chart of today against the usual."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from monitor.digest import charts, templating
from monitor.digest.day import DigestDay, Image, Part
from monitor.plugin import Plugin, PluginContext, PluginOptions
from monitor.store.base import TermField


class Options(PluginOptions):
    limit: int = Field(default=5, ge=1, le=20)
    # An issue needs this many mentions today and this multiple of its usual level.
    min_mentions: int = Field(default=3, ge=1)
    min_ratio: float = Field(default=1.5, gt=1)


@dataclass(frozen=True)
class Issue:
    kind: str  # "topic" or "watchlist"
    name: str
    today: int
    usual: float  # mentions a day over the baseline days

    @property
    def rise(self) -> float:
        """Today against the usual, smoothed so that 3 against 0 is not infinite."""
        return (self.today + 1) / (self.usual + 1)


def gather(day: DigestDay, options: Options) -> list[Issue]:
    fields: tuple[tuple[str, TermField], ...] = (("topic", "topics"), ("watchlist", "watchlists"))
    issues = []
    for kind, field in fields:
        today = dict(day.store.terms(field, day.filter(), size=100))
        usual = dict(day.store.terms(field, day.baseline(), size=500))
        for name, count in today.items():
            if kind == "watchlist" and day.watchlists and name not in day.watchlists:
                continue
            issue = Issue(kind, name, count, usual.get(name, 0) / day.baseline_days)
            if count >= options.min_mentions and issue.rise >= options.min_ratio:
                issues.append(issue)
    issues.sort(key=lambda i: (-i.rise, -i.today, i.name))
    return issues[: options.limit]


HTML = """
{% from "macros.html.j2" import chart %}
{% for i in issues %}
<div class="item"><span class="item-title">{{ i.name | clip(60) }}</span> <span class="muted">({{ say("digest.emerging." + i.kind) }})</span><br>
<span class="muted">{{ say("digest.emerging.line", today=say.number(i.today), usual=say.number(i.usual | round(1))) }} · {{ say("digest.emerging.ratio", ratio=say.number((i.today / i.usual) | round(1))) if i.usual else say("digest.emerging.new") }}</span></div>
{% else %}
<p>{{ say("digest.emerging.none") }}</p>
{% endfor %}
{% if images %}{{ chart(images[0]) }}{% endif %}
"""

TEXT = """
{% for i in issues %}
- {{ i.name | clip(60) }} ({{ say("digest.emerging." + i.kind) }}): {{ say("digest.emerging.line", today=say.number(i.today), usual=say.number(i.usual | round(1))) }} · {{ say("digest.emerging.ratio", ratio=say.number((i.today / i.usual) | round(1))) if i.usual else say("digest.emerging.new") }}
{% else %}
{{ say("digest.emerging.none") }}
{% endfor %}
"""


@dataclass(frozen=True)
class EmergingSection:
    name: str
    options: Options

    def build(self, day: DigestDay) -> Part | None:
        if not day.total:
            return None
        say = day.say
        issues = gather(day, self.options)
        images: tuple[Image, ...] = ()
        if issues:
            png = charts.paired_bars(
                [i.name for i in issues],
                [i.today for i in issues],
                [i.usual for i in issues],
                (say("digest.emerging.today"), say("digest.emerging.usual")),
            )
            alt = say("digest.emerging.alt", days=day.baseline_days)
            images = (Image(f"emerging.{day.day.isoformat()}@humas-monitor", png, alt),)
        title = say("digest.emerging.title")
        return templating.part(self.name, title, HTML, TEXT, images=images, issues=issues, say=say)


def build(name: str, options: Options, context: PluginContext) -> EmergingSection:
    return EmergingSection(name, options)


PLUGIN = Plugin(Options, build)
