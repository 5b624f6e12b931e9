"""`type = "new_story"`: a story (mentions sharing a story_id) with many mentions in the window
and none in the `novelty` period before it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

from pydantic import Field

from monitor.plugin import Plugin, PluginContext
from monitor.records import EnrichedMention
from monitor.rules.base import SCAN_LIMIT, Finding, RuleContext, Scope, Watch, post_label
from monitor.rules.options import FilteredRule
from monitor.values import Duration

# How many stories seen before the window are compared against.
STORY_HISTORY = 50_000


class NewStoryOptions(FilteredRule):
    min_mentions: int = Field(default=5, ge=2)
    novelty: Duration = timedelta(days=3)


class NewStory:
    def __init__(self, name: str, rule: NewStoryOptions, context: PluginContext):
        self.rule = rule
        # A story becomes new again when its old mentions leave the novelty period.
        self.watch = Watch.window(rule.window, Scope(rule.window + rule.novelty, rule.window, entering=False))

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        flt = rule.filter(ctx.start, ctx.end)
        candidates = [(sid, n) for sid, n in ctx.store.terms("story_id", flt, size=50) if n >= rule.min_mentions]
        if not candidates:
            return []
        earlier = replace(flt, since=ctx.start - rule.novelty, until=ctx.start)
        known = {sid for sid, _ in ctx.store.terms("story_id", earlier, size=STORY_HISTORY)}
        fresh = [(sid, n) for sid, n in candidates if sid not in known]
        if not fresh:
            return []
        members: dict[str, list[EnrichedMention]] = defaultdict(list)
        for hit in ctx.store.search(flt, limit=SCAN_LIMIT):
            if hit.mention.story_id:
                members[hit.mention.story_id].append(hit.mention)
        findings = []
        for sid, count in fresh:
            mentions = members.get(sid, [])
            outlets = len({m.mention.source for m in mentions})
            label = post_label(min(mentions, key=lambda m: m.mention.published_at)) if mentions else sid
            summary = ctx.say(
                "rule.new_story",
                n=count,
                outlets=outlets,
                window=ctx.window,
                novelty=ctx.say.duration(rule.novelty),
            )
            findings.append(
                Finding(sid, count, summary, ctx.start, ctx.end, flt, mentions=tuple(mentions), label=label)
            )
        return findings


PLUGIN = Plugin(NewStoryOptions, NewStory)
