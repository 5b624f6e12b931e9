"""`hoaxes`: mentions flagged as hoaxes, and the clarifications (debunks) seen the same day.

The clarification flag comes from the classifier's taxonomy; until it labels clarifications,
that part simply stays away."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from monitor.digest import templating
from monitor.digest.day import DigestDay, Part, top_by_reach
from monitor.plugin import Plugin, PluginContext, PluginOptions
from monitor.records import EnrichedMention


class Options(PluginOptions):
    limit: int = Field(default=3, ge=1, le=20)
    flag: str = "hoaks"
    clarification_flag: str = "klarifikasi"


@dataclass(frozen=True)
class Hoaxes:
    count: int
    posts: list[EnrichedMention]
    clarifications: int
    clarification_posts: list[EnrichedMention]


def gather(day: DigestDay, options: Options) -> Hoaxes:
    def flagged(flag: str, unless: str = "") -> list[EnrichedMention]:
        found = [m for m in day.mentions if flag in m.classification.flags and unless not in m.classification.flags]
        return top_by_reach(found, options.limit)

    return Hoaxes(
        count=day.count(day.filter(flags=(options.flag,))),
        # A clarification quotes the hoax (and is often flagged with it): it is listed as one.
        posts=flagged(options.flag, unless=options.clarification_flag),
        clarifications=day.count(day.filter(flags=(options.clarification_flag,))),
        clarification_posts=flagged(options.clarification_flag),
    )


HTML = """
{% from "macros.html.j2" import mention %}
{% if h.count %}
<p>{{ say("digest.hoaxes.count", n=say.number(h.count)) }}</p>
{% for m in h.posts %}{{ mention(m, say) }}{% endfor %}
{% else %}
<p>{{ say("digest.hoaxes.none") }}</p>
{% endif %}
{% if h.clarifications %}
<p class="item-title" style="margin-top:12px">{{ say("digest.hoaxes.clarifications", n=say.number(h.clarifications)) }}</p>
{% for m in h.clarification_posts %}{{ mention(m, say) }}{% endfor %}
{% endif %}
"""

TEXT = """
{% from "macros.txt.j2" import mention %}
{% if h.count %}
{{ say("digest.hoaxes.count", n=say.number(h.count)) }}
{% for m in h.posts %}
{{ mention(m, say) }}
{% endfor %}
{% else %}
{{ say("digest.hoaxes.none") }}
{% endif %}
{% if h.clarifications %}

{{ say("digest.hoaxes.clarifications", n=say.number(h.clarifications)) }}
{% for m in h.clarification_posts %}
{{ mention(m, say) }}
{% endfor %}
{% endif %}
"""


@dataclass(frozen=True)
class HoaxesSection:
    name: str
    options: Options

    def build(self, day: DigestDay) -> Part | None:
        if not day.total:
            return None
        title = day.say("digest.hoaxes.title")
        return templating.part(self.name, title, HTML, TEXT, h=gather(day, self.options), say=day.say)


def build(name: str, options: Options, context: PluginContext) -> HoaxesSection:
    return HoaxesSection(name, options)


PLUGIN = Plugin(Options, build)
