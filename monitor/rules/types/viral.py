"""`type = "viral"`: one post whose reach or engagement passes a bound, or whose engagement
grows fast.

Growth is measured between collections: the inbox re-queues a post when its numbers change and
the store keeps only the latest copy, so the rule remembers the last engagement it saw (with the
post's collected_at) in its memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import Field, model_validator

from monitor.plugin import Plugin, PluginContext
from monitor.records import EnrichedMention
from monitor.rules.base import SCAN_LIMIT, Finding, RuleContext, Watch, post_label
from monitor.rules.memory import RuleMemory
from monitor.rules.options import FilteredRule

# Engagement growth is measured over at least this long, so two fetches a minute apart that
# differ by a handful of likes do not look like thousands per hour.
MIN_GROWTH_SPAN = timedelta(minutes=15)


class ViralOptions(FilteredRule):
    min_reach: int | None = Field(default=None, ge=1)
    min_engagement: int | None = Field(default=None, ge=1)
    # Engagement gained per hour between two collections of the same post.
    min_growth: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_bound(self) -> ViralOptions:
        if not (self.min_reach or self.min_engagement or self.min_growth):
            raise ValueError("aturan 'viral' butuh setidaknya satu dari 'min_reach', 'min_engagement', 'min_growth'")
        return self


@dataclass(frozen=True)
class EngagementSeen:
    engagement: int | None
    at: datetime


class Viral:
    def __init__(self, name: str, rule: ViralOptions, context: PluginContext):
        self.rule = rule
        self.watch = Watch.window(rule.window)

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        flt = rule.filter(ctx.start, ctx.end)
        hits = [hit.mention for hit in ctx.store.search(flt, limit=SCAN_LIMIT)]
        remembered = ctx.memory.get_many((f"eng:{m.id}" for m in hits), EngagementSeen) if rule.min_growth else {}
        findings = []
        for item in hits:
            m = item.mention
            reasons = []
            if rule.min_reach and (m.reach or 0) >= rule.min_reach:
                reasons.append(ctx.say("rule.viral.reach", n=ctx.say.number(m.reach or 0)))
            if rule.min_engagement and (m.engagement or 0) >= rule.min_engagement:
                reasons.append(ctx.say("rule.viral.engagement", n=ctx.say.number(m.engagement or 0)))
            if rule.min_growth and m.engagement is not None:
                rate = _growth(ctx.memory, remembered.get(f"eng:{m.id}"), item)
                if rate is not None and rate >= rule.min_growth:
                    reasons.append(ctx.say("rule.viral.growth", rate=rate))
            if not reasons:
                continue
            count = (m.reach or 0) if rule.min_reach else (m.engagement or 0)
            summary = ctx.say("rule.viral", reasons=", ".join(reasons))
            findings.append(
                Finding(m.id, count, summary, ctx.start, ctx.end, flt, mentions=(item,), label=post_label(item))
            )
        return findings


def _growth(memory: RuleMemory, last: EngagementSeen | None, item: EnrichedMention) -> float | None:
    m = item.mention
    if last is None or last.at < m.collected_at:
        memory.put(f"eng:{m.id}", EngagementSeen(m.engagement, m.collected_at))
    if last is None or last.at >= m.collected_at:
        return None
    span = max(m.collected_at - last.at, MIN_GROWTH_SPAN)
    return ((m.engagement or 0) - (last.engagement or 0)) / (span.total_seconds() / 3600)


PLUGIN = Plugin(ViralOptions, Viral)
