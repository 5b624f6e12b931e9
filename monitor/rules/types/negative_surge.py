"""`type = "negative_surge"`: the share of negative mentions above a level and above its own
recent share by a margin."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from pydantic import Field, field_validator

from monitor.plugin import Plugin, PluginContext
from monitor.rules.base import Finding, RuleContext, Scope, Watch, grouped_filters
from monitor.rules.options import GroupedRule
from monitor.values import Duration


class NegativeSurgeOptions(GroupedRule):
    min_share: float = Field(default=0.5, gt=0, le=1)
    margin: float = Field(default=0.2, ge=0, le=1)
    min_volume: int = Field(default=20, ge=1)
    baseline_period: Duration = timedelta(days=7)

    @field_validator("sentiment", mode="before")
    @classmethod
    def _no_sentiment_filter(cls, value: Any) -> Any:
        # The rule measures the negative share itself, so a sentiment filter would make it 100 %.
        raise ValueError("kunci 'sentiment' tidak dipakai oleh aturan bertipe 'negative_surge'")


class NegativeSurge:
    def __init__(self, name: str, rule: NegativeSurgeOptions, context: PluginContext):
        self.rule = rule
        # A share can rise when mentions leave as well as when they come: every edge matters.
        self.watch = Watch((Scope(rule.window), Scope(rule.window + rule.baseline_period, rule.window)))

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        findings = []
        for key, flt in grouped_filters(rule, rule.filter(ctx.start, ctx.end), ctx.store):
            total = ctx.store.count(flt)
            if total < rule.min_volume:
                continue
            negative = ctx.store.count(replace(flt, sentiment=("negative",)))
            share = negative / total
            if share < rule.min_share:
                continue
            before = replace(flt, since=ctx.start - rule.baseline_period, until=ctx.start)
            before_total = ctx.store.count(before)
            before_negative = ctx.store.count(replace(before, sentiment=("negative",)))
            before_share = before_negative / before_total if before_total else 0.0
            if share < before_share + rule.margin:
                continue
            summary = ctx.say(
                "rule.negative_surge",
                negative=negative,
                total=total,
                share=share,
                window=ctx.window,
                before=before_share,
                period=ctx.say.duration(rule.baseline_period),
            )
            findings.append(Finding(key, negative, summary, ctx.start, ctx.end, flt, baseline=before_share * total))
        return findings


PLUGIN = Plugin(NegativeSurgeOptions, NegativeSurge)
