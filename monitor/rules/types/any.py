"""`type = "any"`: every matching mention fires, once; new mentions of one group form one alert."""

from __future__ import annotations

from collections import defaultdict
from typing import ClassVar

from monitor.plugin import Plugin, PluginContext
from monitor.records import EnrichedMention
from monitor.rules.base import SCAN_LIMIT, Finding, RuleContext, Watch, narrowed
from monitor.rules.options import GroupedRule

# Mentions read per page, newest first; paging stops at a page with nothing new.
ANY_BATCH = 500


class AnyOptions(GroupedRule):
    # Each new mention is news: the incident reports them as they come instead of escalating.
    counting: ClassVar[bool] = False


class AnyMatch:
    def __init__(self, name: str, rule: AnyOptions, context: PluginContext):
        self.rule = rule
        self.watch = Watch.window(rule.window)

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        flt = rule.filter(ctx.start, ctx.end)
        new: list[EnrichedMention] = []
        # One read of what is new, grouped here: a storm of a thousand authors is one query, not
        # a thousand.
        for offset in range(0, SCAN_LIMIT, ANY_BATCH):
            page = [hit.mention for hit in ctx.store.search(flt, limit=ANY_BATCH, offset=offset)]
            seen = ctx.already_seen([m.id for m in page])
            fresh = [m for m in page if m.id not in seen]
            new += fresh
            if not fresh or len(page) < ANY_BATCH:
                break
        groups: dict[str, list[EnrichedMention]] = defaultdict(list)
        for mention in sorted(new, key=lambda m: (m.mention.published_at, m.id)):
            for key in _keys(rule.group_by, mention):
                groups[key].append(mention)
        return [
            Finding(
                key,
                len(members),
                ctx.say("rule.any", n=len(members)),
                ctx.start,
                ctx.end,
                narrowed(flt, rule.group_by, key),
                mentions=tuple(members),
            )
            for key, members in groups.items()
        ]


def _keys(group_by: str, item: EnrichedMention) -> tuple[str, ...]:
    """The groups a mention belongs to (a mention in two watchlists is news for both)."""
    m = item.mention
    match group_by:
        case "":
            return ("",)
        case "source":
            return (m.source,)
        case "channel":
            return (m.channel,)
        case "author":
            return (m.author,) if m.author else ()
        case "watchlist":
            return item.watchlists
        case "topic":
            return item.classification.topics
    raise ValueError(f"group_by tidak dikenal: {group_by}")


PLUGIN = Plugin(AnyOptions, AnyMatch)
