"""`numbers`: the day in numbers: mentions, by channel, the sentiment split and how each share
moved against the previous days."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.digest import templating
from monitor.digest.day import SENTIMENTS, DigestDay, Part
from monitor.i18n import Messages
from monitor.plugin import Plugin, PluginContext, PluginOptions


class Options(PluginOptions):
    pass


@dataclass(frozen=True)
class SentimentRow:
    sentiment: str  # positive, neutral, negative, or "" for mentions without a label
    count: int
    share: float  # percent of the day's mentions
    change: float | None  # percentage points against the baseline days; None when they had none


@dataclass(frozen=True)
class Numbers:
    total: int
    usual: float  # mentions a day over the baseline days
    channels: tuple[tuple[str, int], ...]
    sentiments: tuple[SentimentRow, ...]


def gather(day: DigestDay) -> Numbers:
    today, before = day.filter(), day.baseline()
    total, baseline_total = day.total, day.count(before)
    counts, baseline = day.sentiment_counts(today), day.sentiment_counts(before)
    rows = []
    for sentiment in SENTIMENTS:
        share = 100 * counts[sentiment] / total if total else 0.0
        change = share - 100 * baseline[sentiment] / baseline_total if total and baseline_total else None
        rows.append(SentimentRow(sentiment, counts[sentiment], share, change))
    unlabelled = total - sum(counts.values())
    if unlabelled:
        rows.append(SentimentRow("", unlabelled, 100 * unlabelled / total, None))
    return Numbers(
        total=total,
        usual=baseline_total / day.baseline_days,
        channels=tuple(day.store.terms("channel", today, size=10)),
        sentiments=tuple(rows),
    )


def channel_name(say: Messages, channel: str) -> str:
    key = f"digest.channel.{channel}"
    return say(key) if say.has(key) else channel


def points(say: Messages, change: float | None) -> str:
    if change is None:
        return "–"
    rounded = round(change)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return say("digest.numbers.change", sign=sign, points=abs(rounded))


HTML = """
<div class="big">{{ say("digest.numbers.total", n=say.number(n.total)) }}</div>
<p class="muted">{{ say("digest.numbers.usual", days=days, n=say.number(n.usual | round(1))) }}</p>
{% if n.total %}
<p class="muted">{{ say("digest.numbers.by_channel") }}</p>
<table role="presentation" class="rows" width="100%">
{% for channel, count in n.channels %}
<tr><td>{{ channel_name(say, channel) }}</td><td class="num">{{ say.number(count) }}</td></tr>
{% endfor %}
</table>
<p class="muted" style="margin-top:12px">{{ say("digest.numbers.sentiment", days=days) }}</p>
<table role="presentation" class="rows" width="100%">
{% for row in n.sentiments %}
<tr>
<td class="{{ {'negative': 'neg', 'positive': 'pos'}.get(row.sentiment, 'neu') }}">{{ say("sentiment." + row.sentiment) if row.sentiment else say("digest.numbers.unlabelled") }}</td>
<td class="num">{{ say("digest.numbers.share", n=say.number(row.count), share=say.number(row.share | round)) }}</td>
<td class="num muted">{{ points(say, row.change) }}</td>
</tr>
{% endfor %}
</table>
{% else %}
<p>{{ say("digest.empty") }}</p>
{% endif %}
"""

TEXT = """
{{ say("digest.numbers.total", n=say.number(n.total)) }} ({{ say("digest.numbers.usual", days=days, n=say.number(n.usual | round(1))) }})
{% if n.total %}
{{ say("digest.numbers.by_channel") }}: {% for channel, count in n.channels %}{{ channel_name(say, channel) }} {{ say.number(count) }}{{ ", " if not loop.last }}{% endfor %}

{{ say("digest.numbers.sentiment", days=days) }}:
{% for row in n.sentiments %}
- {{ say("sentiment." + row.sentiment) if row.sentiment else say("digest.numbers.unlabelled") }}: {{ say("digest.numbers.share", n=say.number(row.count), share=say.number(row.share | round)) }}, {{ points(say, row.change) }}
{% endfor %}
{% else %}
{{ say("digest.empty") }}
{% endif %}
"""


@dataclass(frozen=True)
class NumbersSection:
    name: str

    def build(self, day: DigestDay) -> Part:
        say = day.say
        values: dict[str, Any] = {
            "n": gather(day),
            "say": say,
            "days": day.baseline_days,
            "channel_name": channel_name,
            "points": points,
        }
        return templating.part(self.name, say("digest.numbers.title"), HTML, TEXT, **values)


def build(name: str, options: Options, context: PluginContext) -> NumbersSection:
    return NumbersSection(name)


PLUGIN = Plugin(Options, build)
