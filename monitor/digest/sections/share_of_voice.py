"""`share_of_voice`: how the day's mentions split over the watchlists (the agency, its officials,
its programmes): the group's own watchlists, or every watchlist when the group names none."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from monitor.digest import templating
from monitor.digest.day import DigestDay, Part
from monitor.plugin import Plugin, PluginContext, PluginOptions


class Options(PluginOptions):
    limit: int = Field(default=10, ge=1, le=28)


@dataclass(frozen=True)
class Voice:
    watchlist: str
    count: int
    share: float  # percent of all watchlist matches that day (a mention may match several)


def gather(day: DigestDay, limit: int) -> list[Voice]:
    if day.watchlists:
        counts = [(w, day.count(day.filter(watchlists=(w,)))) for w in day.watchlists]
        counts = sorted(counts, key=lambda item: (-item[1], item[0]))[:limit]
    else:
        counts = day.store.terms("watchlists", day.filter(), size=limit)
    total = sum(n for _w, n in counts)
    return [Voice(w, n, 100 * n / total) for w, n in counts if n] if total else []


HTML = """
{% for v in voices %}
<table role="presentation" class="rows" width="100%">
<tr><td>{{ v.watchlist | clip(60) }}</td><td class="num">{{ say("digest.numbers.share", n=say.number(v.count), share=say.number(v.share | round)) }}</td></tr>
<tr><td colspan="2" style="padding:0 0 6px 0;border-bottom:0">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>
<td width="{{ [v.share | round | int, 1] | max }}%" style="background:#2563eb;height:8px;font-size:0;line-height:0;padding:0;border:0">&nbsp;</td>
<td style="background:#e5e7eb;height:8px;font-size:0;line-height:0;padding:0;border:0">&nbsp;</td>
</tr></table>
</td></tr>
</table>
{% else %}
<p>{{ say("digest.share_of_voice.none") }}</p>
{% endfor %}
"""

TEXT = """
{% for v in voices %}
- {{ v.watchlist | clip(60) }}: {{ say("digest.numbers.share", n=say.number(v.count), share=say.number(v.share | round)) }}
{% else %}
{{ say("digest.share_of_voice.none") }}
{% endfor %}
"""


@dataclass(frozen=True)
class ShareOfVoiceSection:
    name: str
    options: Options

    def build(self, day: DigestDay) -> Part | None:
        if not day.total:
            return None
        title = day.say("digest.share_of_voice.title")
        return templating.part(self.name, title, HTML, TEXT, voices=gather(day, self.options.limit), say=day.say)


def build(name: str, options: Options, context: PluginContext) -> ShareOfVoiceSection:
    return ShareOfVoiceSection(name, options)


PLUGIN = Plugin(Options, build)
