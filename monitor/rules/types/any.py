"""`type = "any"`: every matching mention fires, once; new mentions of one group form one alert."""

from __future__ import annotations

from typing import ClassVar

from monitor.plugin import Plugin, PluginContext
from monitor.rules.base import Finding, RuleContext, Watch, grouped_filters
from monitor.rules.options import GroupedRule

# How many mentions one evaluation looks at; the rest wait for the next run.
ANY_BATCH = 500


class AnyOptions(GroupedRule):
    # Each new mention is news: the incident reports them as they come instead of escalating.
    counting: ClassVar[bool] = False


class AnyMatch:
    def __init__(self, name: str, rule: AnyOptions, context: PluginContext):
        self.rule = rule
        self.watch = Watch.window(rule.window)

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        findings = []
        for key, flt in grouped_filters(self.rule, self.rule.filter(ctx.start, ctx.end), ctx.store):
            hits = [hit.mention for hit in ctx.store.search(flt, limit=ANY_BATCH)]
            seen = ctx.already_seen([m.id for m in hits])
            new = tuple(m for m in hits if m.id not in seen)
            if new:
                summary = ctx.say("rule.any", n=len(new))
                findings.append(Finding(key, len(new), summary, ctx.start, ctx.end, flt, mentions=new))
        return findings


PLUGIN = Plugin(AnyOptions, AnyMatch)
