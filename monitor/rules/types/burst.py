"""`type = "burst"`: far more mentions in the last minutes than this hour of this kind of day holds.

The expectation knows the hour of the week, the topic's recent level, public holidays, cuti
bersama, Ramadan and the team's own events (monitor/rules/seasonal.py, `[calendar]`). Several
trailing windows are tested, from `min_window` doubling up to `window`, so a sharp burst is seen
within minutes and a slower one within the hour. A window fires when its count is at least
`min_count`, at least `factor` times the expectation, and so unlikely by chance (negative-binomial
tail, corrected for the number of windows tested) that -log10 of the chance is at least
`surprise`. The alert says what was expected, what came, and the words and sources behind it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from monitor.i18n import Messages
from monitor.plugin import Plugin, PluginContext
from monitor.rules.base import SCAN_LIMIT, Finding, RuleContext, Scope, Watch, grouped_filters
from monitor.rules.calendar import Calendar
from monitor.rules.explain import driving_sources, driving_terms
from monitor.rules.options import GroupedRule
from monitor.rules.seasonal import QUARTER, QUARTERS, Profile, expected, fit, tail
from monitor.store.base import MentionFilter, MentionStore
from monitor.values import Duration

# The expectation is computed for the window ending at this grid (the hour's rate does not
# need minute precision), so a replay can tell when it could have changed.
TICK = timedelta(minutes=15)
# The days before the window whose mentions the driving words are compared with.
EXPLAIN_BEFORE = timedelta(days=7)
EXPLAIN_SAMPLE = 1000


class BurstOptions(GroupedRule):
    window: Duration = timedelta(hours=1)
    # The shortest trailing window tested; it doubles up to `window`.
    min_window: Duration = timedelta(minutes=15)
    min_count: int = Field(default=5, ge=1)
    factor: float = Field(default=3.0, ge=1)
    # -log10 of the chance of a count this high (5: once in 100,000 windows).
    surprise: float = Field(default=5.0, ge=1, le=30)
    # Weeks of history the hour profile is learned from.
    baseline_weeks: int = Field(default=8, ge=2, le=26)
    # Silent until the store covers this much history.
    min_history: Duration = timedelta(days=7)

    @model_validator(mode="after")
    def _windows(self) -> BurstOptions:
        if self.min_window > self.window:
            raise ValueError("'min_window' tidak boleh lebih panjang dari 'window'")
        if self.min_window < timedelta(minutes=5):
            raise ValueError("'min_window' paling pendek 5m")
        return self

    def scales(self) -> list[timedelta]:
        scales, span = [], self.min_window
        while span < self.window:
            scales.append(span)
            span *= 2
        return [*scales, self.window]


class Burst:
    def __init__(self, name: str, rule: BurstOptions, context: PluginContext):
        self.rule = rule
        self.zone = ZoneInfo(context.timezone)
        # More mentions can only raise a count; the expectation moves with the clock (in ticks).
        self.watch = Watch(tuple(Scope(scale, leaving=False) for scale in reversed(rule.scales())), tick=TICK)
        # (group, local day) -> the profile learned from the days before it; (group, moment,
        # span) -> the mentions expected in the span before the moment. Both today's only.
        self._profiles: dict[tuple[str, date], Profile | None] = {}
        self._means: dict[tuple[str, datetime, timedelta], float] = {}

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        moment = datetime.fromtimestamp((ctx.end.timestamp() // TICK.total_seconds()) * TICK.total_seconds(), UTC)
        today = moment.astimezone(self.zone).date()
        findings = []
        for key, flt in grouped_filters(rule, rule.filter(ctx.start, ctx.end), ctx.store):
            profile = self._profile(ctx.store, ctx.calendar, key, flt, today)
            if profile is None or timedelta(days=profile.days) < rule.min_history:
                continue
            finding = self._judge(ctx, key, flt, profile, moment)
            if finding is not None:
                findings.append(finding)
        return findings

    def _judge(
        self, ctx: RuleContext, key: str, flt: MentionFilter, profile: Profile, moment: datetime
    ) -> Finding | None:
        rule = self.rule
        scales = rule.scales()
        # Accounts, not posts: a conversation of three people replying to each other, or one
        # account posting twenty times, is not a burst.
        window_count = ctx.store.count(flt, unique_authors=True)
        if window_count < rule.min_count:
            return None  # no shorter window can hold more
        best: tuple[float, timedelta, int, float] | None = None
        for scale in scales:
            shorter = replace(flt, since=ctx.end - scale, until=ctx.end)
            observed = window_count if scale == rule.window else ctx.store.count(shorter, unique_authors=True)
            mean = self._expected(key, profile, ctx.calendar, moment, scale)
            if observed < rule.min_count or observed < rule.factor * mean:
                continue
            chance = min(1.0, tail(observed, mean, profile.dispersion(scale)) * len(scales))
            surprise = -_log10(chance)
            if surprise >= rule.surprise and (best is None or surprise > best[0]):
                best = (surprise, scale, observed, mean)
        if best is None:
            return None
        surprise, scale, observed, mean = best
        say = ctx.say
        window_mean = self._expected(key, profile, ctx.calendar, moment, rule.window)
        summary = say(
            "rule.burst",
            n=observed,
            window=say.duration(scale),
            expected=say.number(round(mean, 1)),
            ratio=say.number(round(observed / max(mean, 0.05), 1)),
            chance=_chance(surprise, say),
        )
        # The burst's own window is what the alert quotes; explaining it reads history, so it is
        # done only for an alert that goes out.
        recent = replace(flt, since=ctx.end - scale, until=ctx.end)
        return Finding(
            key,
            window_count,
            summary,
            ctx.start,
            ctx.end,
            recent,
            baseline=window_mean,
            explain=functools.partial(self._evidence, ctx, flt, recent, profile, moment),
        )

    def _evidence(
        self,
        ctx: RuleContext,
        flt: MentionFilter,
        recent: MentionFilter,
        profile: Profile,
        moment: datetime,
    ) -> tuple[str, ...]:
        say = ctx.say
        # The hour the window ends in, named by its start ("Selasa 10.00 WIB").
        hour = (ctx.end - timedelta(minutes=1)).astimezone(self.zone).replace(minute=0, second=0, microsecond=0)
        day = ctx.calendar.day(hour.date())
        lines = [
            say(
                "rule.burst.usual",
                weekday=say(f"calendar.weekday.{hour.weekday()}"),
                hour=say.time(hour, with_date=False),
                per_hour=say.number(round(profile.hourly(day, hour.weekday(), hour.hour), 1)),
                level=say.number(round(profile.level, 1)),
                weeks=self.rule.baseline_weeks,
            )
        ]
        if day.name:
            lines.append(say("rule.burst.day", name=day.name))
        before = replace(flt, since=recent.since - EXPLAIN_BEFORE if recent.since else None, until=recent.since)
        earlier = [hit.mention for hit in ctx.store.search(before, limit=EXPLAIN_SAMPLE)]
        mentions = [hit.mention for hit in ctx.store.search(recent, limit=SCAN_LIMIT)]
        words = driving_terms(mentions, earlier)
        if words:
            lines.append(
                say(
                    "rule.burst.words",
                    words=", ".join(
                        say("rule.burst.word", term=w.term, n=w.count, total=w.total, before=w.before) for w in words
                    ),
                )
            )
        sources = driving_sources(ctx.store, recent, before)
        if sources:
            lines.append(
                say(
                    "rule.burst.sources",
                    sources=", ".join(
                        say("rule.burst.source", source=s.term, n=s.count, share=s.share, before=s.before)
                        for s in sources
                    ),
                )
            )
        return tuple(lines)

    def _expected(self, key: str, profile: Profile, calendar: Calendar, moment: datetime, span: timedelta) -> float:
        if (key, moment, span) not in self._means:
            self._means[(key, moment, span)] = expected(profile, calendar, moment - span, moment, self.zone)
        return self._means[(key, moment, span)]

    def _profile(
        self, store: MentionStore, calendar: Calendar, key: str, flt: MentionFilter, today: date
    ) -> Profile | None:
        if (key, today) not in self._profiles:
            # Yesterday's profiles are not needed again: keep memory flat over a year's replay.
            for stale in [k for k in self._profiles if k[1] < today]:
                del self._profiles[stale]
            self._means.clear()
            self._profiles[(key, today)] = fit(
                _quarters(store, flt, today, self.rule.baseline_weeks, self.zone), calendar, today
            )
        return self._profiles[(key, today)]


def _quarters(
    store: MentionStore, flt: MentionFilter, today: date, weeks: int, zone: ZoneInfo
) -> dict[date, list[int]]:
    """Local-day counts of distinct accounts per quarter hour of the weeks before `today`, from the
    first day the store has anything at all (before it the monitor was not running: no data is not
    zero talk)."""
    end = datetime.combine(today, datetime.min.time(), zone).astimezone(UTC)
    start = end - timedelta(weeks=weeks)
    covered = [t for t, n in store.histogram(MentionFilter(since=start, until=end), timedelta(days=1)) if n]
    if not covered:
        return {}
    first_day = covered[0].astimezone(zone).date()
    # Every covered day is there, with or without mentions.
    days = {first_day + timedelta(days=i): [0] * QUARTERS for i in range((today - first_day).days)}
    for bucket, count in store.histogram(replace(flt, since=start, until=end), QUARTER, unique_authors=True):
        if count:
            local = bucket.astimezone(zone)
            if local.date() in days:
                days[local.date()][local.hour * 4 + local.minute // 15] += count
    return days


def _log10(value: float) -> float:
    return math.log10(value) if value > 0 else 300.0


def _chance(surprise: float, say: Messages) -> str:
    """'1 banding 2,3 juta' for people, from -log10 of the chance."""
    if surprise >= 9:
        return say("rule.burst.chance_tiny")
    odds = 10**surprise
    digits = max(0, 1 - int(_log10(odds)))
    rounded = round(odds, digits) if odds < 100 else float(f"{odds:.2g}")
    return say("rule.burst.chance", odds=say.number(rounded))


PLUGIN = Plugin(BurstOptions, Burst)
