"""`type = "spike"`: the window's volume against the same hours of the same weekday over the
last weeks.

The baseline is the median of those weeks (one earlier crisis does not raise it). Weeks from
before the store's first mention are left out: the monitor was not running, which is not the
same as nobody talking. Minimum counts keep 0 -> 2 from being a crisis."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from statistics import median
from typing import Literal

from pydantic import Field

from monitor.plugin import Plugin, PluginContext
from monitor.rules.base import Finding, RuleContext, Scope, Watch, grouped_filters
from monitor.rules.options import GroupedRule
from monitor.store.base import MentionFilter, MentionStore


class SpikeOptions(GroupedRule):
    baseline_weeks: int = Field(default=4, ge=1, le=12)
    factor: float = Field(default=3.0, gt=1)
    min_count: int = Field(default=10, ge=1)
    min_baseline: float = Field(default=5.0, ge=0)
    direction: Literal["up", "down", "both"] = "up"


class Spike:
    def __init__(self, name: str, rule: SpikeOptions, context: PluginContext):
        self.rule = rule
        self._covered_from: datetime | None = None
        weeks = [timedelta(weeks=k) for k in range(1, rule.baseline_weeks + 1)]
        up = rule.direction == "up"
        # Up: more now, or less in the past weeks, can fire; down or both: any change can.
        # Past weeks count only once the store has mentions from before them.
        self.watch = Watch(
            (
                Scope(rule.window, leaving=not up),
                *(Scope(rule.window + w, w, entering=not up) for w in weeks),
            ),
            history_start=True,
        )

    def _covered(self, store: MentionStore, until: datetime) -> bool:
        """Whether the store holds anything from before `until`. Once it does for a moment, it
        does for every later one: remembered, so the store is asked until the answer is yes."""
        if self._covered_from is not None and until >= self._covered_from:
            return True
        if store.search(MentionFilter(until=until), limit=1):
            self._covered_from = until
            return True
        return False

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        span = ctx.end - ctx.start
        weeks = [ctx.start - timedelta(weeks=k) for k in range(1, rule.baseline_weeks + 1)]
        covered = [w for w in weeks if self._covered(ctx.store, w + span)]
        if not covered:
            return []
        flt = rule.filter(ctx.start, ctx.end)
        past_scopes = tuple(replace(flt, since=w, until=w + span) for w in covered) if rule.direction != "up" else ()
        findings = []
        for key, gflt in grouped_filters(rule, flt, ctx.store, past_scopes):
            count = ctx.store.count(gflt)
            baseline = float(median(ctx.store.count(replace(gflt, since=w, until=w + span)) for w in covered))
            said = {"n": count, "window": ctx.window, "baseline": baseline, "weeks": len(covered)}
            if rule.direction != "down" and count >= rule.min_count and count >= rule.factor * baseline:
                summary = (
                    ctx.say("rule.spike.up", ratio=count / baseline, **said)
                    if baseline
                    else ctx.say("rule.spike.up_from_zero", **said)
                )
            elif rule.direction != "up" and baseline >= rule.min_baseline and count <= baseline / rule.factor:
                summary = ctx.say("rule.spike.down", **said)
            else:
                continue
            findings.append(Finding(key, count, summary, ctx.start, ctx.end, gflt, baseline=baseline))
        return findings


PLUGIN = Plugin(SpikeOptions, Spike)
