"""`type = "threshold"`: at least N matching mentions (or N distinct authors) in the window."""

from __future__ import annotations

from pydantic import Field

from monitor.plugin import Plugin, PluginContext
from monitor.rules.base import Finding, RuleContext, Watch, grouped_filters
from monitor.rules.options import GroupedRule


class ThresholdOptions(GroupedRule):
    threshold: int = Field(default=1, ge=1)
    # Count distinct accounts instead of mentions (ten posts by one buzzer are one voice).
    unique_authors: bool = False


class Threshold:
    def __init__(self, name: str, rule: ThresholdOptions, context: PluginContext):
        self.rule = rule
        self.watch = Watch.window(rule.window)

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        findings = []
        message = "rule.threshold.authors" if rule.unique_authors else "rule.threshold"
        for key, flt in grouped_filters(rule, rule.filter(ctx.start, ctx.end), ctx.store):
            count = ctx.store.count(flt, unique_authors=rule.unique_authors)
            if count >= rule.threshold:
                summary = ctx.say(message, n=count, window=ctx.window, threshold=rule.threshold)
                findings.append(Finding(key, count, summary, ctx.start, ctx.end, flt, baseline=float(rule.threshold)))
        return findings


PLUGIN = Plugin(ThresholdOptions, Threshold)
