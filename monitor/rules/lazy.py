"""Which evaluations a replay or a backtest can skip: those whose result cannot have changed.

Live, the engine evaluates every rule every few minutes; that is cheap for one moment and far too
slow for a year of history at five-minute steps (105,000 evaluations per rule). A rule type that
declares a `Watch` (monitor/rules/base.py) says what its result depends on: the matching mentions
in some scopes before the window's end, and perhaps the clock in ticks. This log knows when each
matching mention was published (every mention the replay stores is shown to it, or, for a
backtest, the store's minute histogram), so it can tell whether anything crossed a scope's edge or
arrived inside a scope since the rule's last evaluation. The engine also evaluates at every step
while the rule has an open incident (cooldowns and resolution are timers), so the incidents and
alerts come out the same as step by step; tests/test_lazy_replay.py holds the two against each
other.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from monitor.config import RuleOptions
from monitor.records import EnrichedMention
from monitor.rules.base import Watch
from monitor.rules.options import FilteredRule
from monitor.store.base import MentionFilter, MentionStore

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _seconds(moment: datetime) -> float:
    return (moment - _EPOCH).total_seconds()


def _overlaps(start: float, width: float, low: float, high: float) -> bool:
    """Whether a moment (width 0) or a bucket [start, start + width) lies in [low, high)."""
    return (start + width > low if width else start >= low) and start < high


@dataclass
class _Track:
    """The matching mentions of one rule: when each was published, as seconds since the epoch."""

    flt: MentionFilter
    times: list[float] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    # Mentions stored (or stored again) since the last evaluation.
    fresh: list[float] = field(default_factory=list)
    last: float | None = None

    def any_between(self, low: float, high: float, width: float) -> bool:
        """Whether a mention (or a bucket [t, t + width)) overlaps [low, high)."""
        if high <= low:
            return False
        i = bisect_right(self.times, low - width) if width else bisect_left(self.times, low)
        return i < len(self.times) and self.times[i] < high


class ChangeLog:
    """When each rule's scopes last changed; `width` > 0 when times are histogram buckets."""

    def __init__(self, rules: Iterable[RuleOptions], *, width: timedelta = timedelta(0)):
        self.width = width.total_seconds()
        self.first: float | None = None
        self._tracks: dict[str, _Track] = {}
        for rule in rules:
            if isinstance(rule, FilteredRule):
                self._tracks[rule.name] = _Track(replace(rule.filter(_EPOCH, _EPOCH), since=None, until=None))

    def seed(self, store: MentionStore, since: datetime, until: datetime) -> None:
        """What the store already holds in [since, until), by the minute (for a backtest)."""
        minute = timedelta(minutes=1)
        for track in self._tracks.values():
            buckets = store.histogram(replace(track.flt, since=since, until=until), minute)
            track.times = sorted(_seconds(start) for start, n in buckets if n)
        everything = store.histogram(MentionFilter(since=since, until=until), minute)
        starts = [_seconds(start) for start, n in everything if n]
        self.first = min(starts) if starts else None

    def observe(self, mentions: Sequence[EnrichedMention]) -> None:
        """Mentions the store has just accepted (new, or again with new numbers)."""
        for item in mentions:
            published = _seconds(item.mention.published_at)
            self.first = published if self.first is None else min(self.first, published)
            for track in self._tracks.values():
                if not track.flt.matches(item):
                    continue
                track.fresh.append(published)
                if item.id not in track.ids:
                    track.ids.add(item.id)
                    insort(track.times, published)

    def due(self, rule: RuleOptions, watch: Watch, moment: datetime) -> bool:
        """Whether evaluating `rule` at `moment` could give another result than its last evaluation."""
        track = self._tracks.get(rule.name)
        if track is None or track.last is None:
            return True
        delay = rule.evaluation_delay.total_seconds()
        before, now = track.last - delay, _seconds(moment) - delay
        edges = {offset.total_seconds() for scope in watch.scopes for offset in scope}
        # A mention crossed an edge: it entered or left a scope.
        if any(track.any_between(before - edge, now - edge, self.width) for edge in edges):
            return True
        scopes = [(now - a.total_seconds(), now - b.total_seconds()) for a, b in watch.scopes]
        if any(_overlaps(p, self.width, low, high) for p in track.fresh for low, high in scopes):
            return True
        first = self.first
        if (
            watch.history_start
            and first is not None
            and any(_overlaps(first, self.width, before - edge, now - edge) for edge in edges)
        ):
            return True
        if watch.tick is not None:
            tick = watch.tick.total_seconds()
            low, high = scopes[0]
            if (track.last // tick != _seconds(moment) // tick) and track.any_between(low, high, self.width):
                return True
        return False

    def evaluated(self, rule: str, moment: datetime) -> None:
        track = self._tracks.get(rule)
        if track is not None:
            track.last = _seconds(moment)
            track.fresh.clear()
