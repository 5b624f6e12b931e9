"""`top_stories`: the biggest stories of the day, syndicated copies clustered by `story_id`:
one line per story with its count and where it appeared first."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from monitor.digest import templating
from monitor.digest.day import DigestDay, Part
from monitor.plugin import Plugin, PluginContext, PluginOptions
from monitor.records import EnrichedMention


class Options(PluginOptions):
    limit: int = Field(default=5, ge=1, le=20)


@dataclass(frozen=True)
class Story:
    story_id: str
    count: int  # mentions of the story that day, as the store counts them
    first: EnrichedMention | None  # the earliest copy of the day (None past the scan limit)
    reach: int  # the largest reach of a copy


def gather(day: DigestDay, limit: int) -> list[Story]:
    copies: dict[str, list[EnrichedMention]] = {}
    for item in day.mentions:
        if item.story_id:
            copies.setdefault(item.story_id, []).append(item)
    stories = []
    # More candidates than shown: among stories of equal size, the one that reached most leads.
    for story_id, count in day.store.terms("story_id", day.filter(), size=max(5 * limit, 25)):
        found = copies.get(story_id, [])
        first = min(found, key=lambda m: m.mention.published_at) if found else None
        stories.append(Story(story_id, count, first, max((m.mention.reach or 0 for m in found), default=0)))
    stories.sort(key=lambda s: (-s.count, -s.reach))
    return stories[:limit]


HTML = """
{% from "macros.html.j2" import mention %}
{% for story in stories %}
{% if story.first %}
{{ mention(story.first, say, extra=say("digest.mentions", n=say.number(story.count))) }}
{% else %}
<div class="item"><div class="item-title">{{ say("digest.untitled") }}</div><div class="muted">{{ say("digest.mentions", n=say.number(story.count)) }}</div></div>
{% endif %}
{% endfor %}
"""

TEXT = """
{% from "macros.txt.j2" import mention %}
{% for story in stories %}
{% if story.first %}
{{ mention(story.first, say, extra=say("digest.mentions", n=say.number(story.count))) }}
{% else %}
- {{ say("digest.untitled") }} · {{ say("digest.mentions", n=say.number(story.count)) }}
{% endif %}
{% endfor %}
"""


@dataclass(frozen=True)
class TopStoriesSection:
    name: str
    options: Options

    def build(self, day: DigestDay) -> Part | None:
        if not day.total:
            return None
        stories = gather(day, self.options.limit)
        title = day.say("digest.top_stories.title")
        return templating.part(self.name, title, HTML, TEXT, stories=stories, say=day.say)


def build(name: str, options: Options, context: PluginContext) -> TopStoriesSection:
    return TopStoriesSection(name, options)


PLUGIN = Plugin(Options, build)
