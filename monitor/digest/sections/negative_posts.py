"""`negative_posts`: the negative mentions of the day that reached the most people."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from monitor.digest import templating
from monitor.digest.day import DigestDay, Part, top_by_reach
from monitor.plugin import Plugin, PluginContext, PluginOptions
from monitor.records import EnrichedMention
from monitor.values import Sentiment


class Options(PluginOptions):
    limit: int = Field(default=5, ge=1, le=20)


def gather(day: DigestDay, limit: int) -> list[EnrichedMention]:
    negative = [m for m in day.mentions if m.classification.sentiment is Sentiment.NEGATIVE]
    return top_by_reach(negative, limit)


HTML = """
{% from "macros.html.j2" import mention %}
{% for m in posts %}
{{ mention(m, say) }}
{% else %}
<p>{{ say("digest.negative_posts.none") }}</p>
{% endfor %}
"""

TEXT = """
{% from "macros.txt.j2" import mention %}
{% for m in posts %}
{{ mention(m, say) }}
{% else %}
{{ say("digest.negative_posts.none") }}
{% endfor %}
"""


@dataclass(frozen=True)
class NegativePostsSection:
    name: str
    options: Options

    def build(self, day: DigestDay) -> Part | None:
        if not day.total:
            return None
        posts = gather(day, self.options.limit)
        title = day.say("digest.negative_posts.title")
        return templating.part(self.name, title, HTML, TEXT, posts=posts, say=day.say)


def build(name: str, options: Options, context: PluginContext) -> NegativePostsSection:
    return NegativePostsSection(name, options)


PLUGIN = Plugin(Options, build)
