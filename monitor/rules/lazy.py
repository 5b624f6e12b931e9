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


def _all_edges(watch: Watch) -> set[float]:
    return {t.total_seconds() for s in watch.scopes for t in (s.before, s.until)}


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
    # When `due` next says yes without new mentions (None: never); recomputed after a change.
    wake: float | None = None
    wake_known: bool = False

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
        """Add what the store holds in [since, until), by the minute (for a backtest); call for
        consecutive periods in order."""
        minute = timedelta(minutes=1)
        for track in self._tracks.values():
            buckets = store.histogram(replace(track.flt, since=since, until=until), minute)
            track.times.extend(_seconds(start) for start, n in buckets if n)
            track.wake_known = False
        if self.first is None:
            everything = store.histogram(MentionFilter(since=since, until=until), minute)
            self.first = next((_seconds(start) for start, n in everything if n), None)

    def observe(self, mentions: Sequence[EnrichedMention]) -> None:
        """Mentions the store has just accepted (new, or again with new numbers)."""
        for item in mentions:
            published = _seconds(item.mention.published_at)
            if self.first is None or published < self.first:
                self.first = published
                for track in self._tracks.values():
                    track.wake_known = False
            for track in self._tracks.values():
                if not track.flt.matches(item):
                    continue
                track.fresh.append(published)
                track.wake_known = False
                if item.id not in track.ids:
                    track.ids.add(item.id)
                    insort(track.times, published)

    def due(self, rule: RuleOptions, watch: Watch, moment: datetime) -> bool:
        """Whether evaluating `rule` at `moment` could give another result than its last evaluation."""
        track = self._tracks.get(rule.name)
        if track is None or track.last is None:
            return True
        now = _seconds(moment)
        if not track.fresh and track.wake_known:
            return track.wake is not None and now > track.wake
        if track.fresh:
            end = now - rule.evaluation_delay.total_seconds()
            scopes = [(end - s.before.total_seconds(), end - s.until.total_seconds()) for s in watch.scopes]
            if any(_overlaps(p, self.width, low, high) for p in track.fresh for low, high in scopes):
                return True
            # Stored late, before every scope: scopes only move forward, it never matters.
            track.fresh.clear()
            track.wake_known = False
        wake = self._wake(track, rule, watch)
        return wake is not None and now > wake

    def next_change(self, rule: RuleOptions, watch: Watch) -> datetime | None:
        """The earliest moment after the rule's last evaluation at which `due` can say yes
        without new mentions arriving (a replay jumps the clock straight there); None: never."""
        track = self._tracks.get(rule.name)
        if track is None or track.last is None or track.fresh:
            return _EPOCH  # now
        wake = self._wake(track, rule, watch)
        return None if wake is None else _EPOCH + timedelta(seconds=wake)

    def _wake(self, track: _Track, rule: RuleOptions, watch: Watch) -> float | None:
        """The moment (seconds) after which `due` says yes, given what is stored now: a mention
        crossing an edge (strictly after its time + edge + delay), the next tick while the first
        scope still holds mentions, the store's first mention crossing an edge."""
        if track.wake_known:
            return track.wake
        assert track.last is not None
        delay = rule.evaluation_delay.total_seconds()
        before = track.last - delay
        moments = []
        for edge in watch.edges:
            # The first mention (or bucket) the edge has not passed yet.
            low = before - edge
            i = bisect_right(track.times, low - self.width) if self.width else bisect_left(track.times, low)
            if i < len(track.times):
                moments.append(track.times[i] + edge + delay)
        if watch.history_start and self.first is not None:
            moments += [self.first + e + delay for e in _all_edges(watch) if self.first + self.width > before - e]
        if watch.tick is not None:
            # The next tick boundary, if the first scope still holds mentions then.
            tick = watch.tick.total_seconds()
            boundary = (track.last // tick + 1) * tick
            first_scope = watch.scopes[0]
            end = boundary - delay
            if track.any_between(
                end - first_scope.before.total_seconds(), end - first_scope.until.total_seconds(), self.width
            ):
                moments.append(boundary - 1e-6)
        track.wake, track.wake_known = (min(moments) if moments else None), True
        return track.wake

    def evaluated(self, rule: str, moment: datetime) -> None:
        track = self._tracks.get(rule)
        if track is not None:
            track.last = _seconds(moment)
            track.fresh.clear()
            track.wake_known = False
