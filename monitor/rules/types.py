"""Rule types: each tests its condition over a time window against the store.

A rule type is a class with one verb, `evaluate(rule, ctx) -> list[Finding]`, registered in
RULE_TYPES. It never alerts by itself: the engine turns findings into incidents and alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from monitor.config import RuleConfig
from monitor.store.base import MentionFilter, MentionStore

# How many mentions an `any` rule looks at per evaluation; the rest wait for the next run.
ANY_BATCH = 500


@dataclass(frozen=True)
class Finding:
    """A rule's condition holds for one group."""

    group_key: str
    count: int
    summary: str
    window_start: datetime
    window_end: datetime
    filter: MentionFilter
    baseline: float | None = None
    mention_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleContext:
    store: MentionStore
    # The window the rule tests: [start, end), already shifted back by the late-data delay.
    start: datetime
    end: datetime
    # Mentions this rule already reported (for `any`), so a restart never re-sends.
    already_seen: Callable[[str, list[str]], set[str]]


def rule_filter(rule: RuleConfig, start: datetime, end: datetime) -> MentionFilter:
    return MentionFilter(
        since=start,
        until=end,
        watchlists=tuple(rule.watchlists),
        topics=tuple(rule.topics),
        sentiment=tuple(rule.sentiment),
        flags=tuple(rule.flags),
        sources=tuple(rule.sources),
        channels=tuple(rule.channels),
    )


_GROUP_FIELDS = {"source": "sources", "channel": "channels", "author": "authors", "watchlist": "watchlists", "topic": "topics"}
_TERM_FIELDS = {"source": "source", "channel": "channel", "author": "author", "watchlist": "watchlists", "topic": "topics"}


def grouped_filters(rule: RuleConfig, flt: MentionFilter, store: MentionStore) -> list[tuple[str, MentionFilter]]:
    """One filter per value of the rule's group_by field (or the rule's own filter when none)."""
    if not rule.group_by:
        return [("", flt)]
    values = store.terms(_TERM_FIELDS[rule.group_by], flt, size=100)  # type: ignore[arg-type]
    return [(value, replace(flt, **{_GROUP_FIELDS[rule.group_by]: (value,)})) for value, _ in values]


class RuleType(Protocol):
    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]: ...


class AnyMatch:
    """Every matching mention fires, once; new mentions of one group form one alert."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        findings = []
        for key, flt in grouped_filters(rule, rule_filter(rule, ctx.start, ctx.end), ctx.store):
            ids = [hit.mention.id for hit in ctx.store.search(flt, limit=ANY_BATCH)]
            seen = ctx.already_seen(rule.name, ids)
            new = tuple(i for i in ids if i not in seen)
            if new:
                findings.append(Finding(key, len(new), f"{len(new)} mention baru cocok dengan aturan",
                                        ctx.start, ctx.end, flt, mention_ids=new))
        return findings


class Threshold:
    """At least N matching mentions (or N distinct authors) in the window."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        findings = []
        what = "akun berbeda" if rule.unique_authors else "mention"
        for key, flt in grouped_filters(rule, rule_filter(rule, ctx.start, ctx.end), ctx.store):
            count = ctx.store.count(flt, unique_authors=rule.unique_authors)
            if count >= rule.threshold:
                summary = f"{count} {what} dalam {_human(ctx.end - ctx.start)} (ambang {rule.threshold})"
                findings.append(Finding(key, count, summary, ctx.start, ctx.end, flt, baseline=float(rule.threshold)))
        return findings


def _human(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % (60 * 24) == 0:
        return f"{minutes // (60 * 24)} hari"
    if minutes % 60 == 0:
        return f"{minutes // 60} jam"
    return f"{minutes} menit"


RULE_TYPES: dict[str, RuleType] = {"any": AnyMatch(), "threshold": Threshold()}
