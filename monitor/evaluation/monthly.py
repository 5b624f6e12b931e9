"""The monthly evaluation of the agency's communication, per programme (watchlist): what the public
said (volume, net sentiment with its 95 % interval, share of voice, the trend against the months
before), how the agency's releases were carried, and how fast and how well it answered incidents.

Only the public's mentions are counted (official posts are the agency's own voice). Months are
local calendar months in the configured time zone. Net sentiment is (positive - negative) / the
mentions with a sentiment, in [-1, 1]; its interval is the normal approximation for a difference
of two shares of one multinomial sample: ± 1,96 · sqrt((p+ + p- - (p+ - p-)²) / n).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from monitor.config import MonitorConfig
from monitor.evaluation.pickup import ReleaseReport, releases_between
from monitor.evaluation.responses import ResponseStatus, ResponseTracker
from monitor.i18n import Messages
from monitor.records import OFFICIAL
from monitor.store.base import MentionFilter, MentionStore

Z95 = 1.96
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-11'."""
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"bulan tidak dikenal: {text!r} (contoh: 2026-11)")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime, zone: ZoneInfo) -> Month:
        local = moment.astimezone(zone)
        return cls(local.year, local.month)

    def shifted(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The month's first and the next month's first moment, local midnight, as UTC."""
        after = self.shifted(1)
        start = datetime(self.year, self.month, 1, tzinfo=zone)
        end = datetime(after.year, after.month, 1, tzinfo=zone)
        return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))

    def label(self, say: Messages) -> str:
        return f"{say.words('calendar.months')[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class NetSentiment:
    positive: int
    neutral: int
    negative: int

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def value(self) -> float | None:
        return (self.positive - self.negative) / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95 % interval of the net sentiment, clipped to [-1, 1]."""
        if not self.total or self.value is None:
            return None
        plus, minus = self.positive / self.total, self.negative / self.total
        spread = Z95 * math.sqrt(max(plus + minus - (plus - minus) ** 2, 0.0) / self.total)
        return max(self.value - spread, -1.0), min(self.value + spread, 1.0)


@dataclass(frozen=True)
class Figures:
    """One scope's public mentions in one month."""

    month: Month
    volume: int
    sentiment: NetSentiment


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))


@dataclass(frozen=True)
class Programme:
    """One watchlist's month (`name` empty: every public mention)."""

    name: str
    figures: Figures
    # Percent of all the report's watchlist matches (a mention may match several); None for all.
    share: float | None
    # The months before, oldest first.
    trend: tuple[Figures, ...]
    releases: tuple[ReleaseReport, ...]
    responses: tuple[ResponseStatus, ...]

    @property
    def volume_change(self) -> float | None:
        """Percent against the month before."""
        before = self.trend[-1].volume if self.trend else 0
        return (self.figures.volume - before) / before * 100 if before else None

    @property
    def carried(self) -> int:
        """Releases at least one outlet or post carried."""
        return sum(1 for r in self.releases if r.pickups)

    @property
    def changed(self) -> int:
        """Releases at least one report changed a key fact of."""
        return sum(1 for r in self.releases if r.changed)

    @property
    def median_pickup(self) -> timedelta | None:
        return _median([r.first_pickup for r in self.releases if r.first_pickup is not None])

    @property
    def responded(self) -> tuple[ResponseStatus, ...]:
        return tuple(s for s in self.responses if s.first is not None)

    @property
    def median_response(self) -> timedelta | None:
        return _median([s.delay for s in self.responded if s.delay is not None])

    @property
    def credited(self) -> int:
        return sum(1 for s in self.responses if s.effect is not None and s.effect.verdict == "helped")


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    # The months shown in the trend, oldest first, ending with `month`.
    months: tuple[Month, ...]
    overall: Programme
    programmes: tuple[Programme, ...]
    generated_at: datetime

    @cached_property
    def releases(self) -> tuple[ReleaseReport, ...]:
        return self.overall.releases

    @cached_property
    def responses(self) -> tuple[ResponseStatus, ...]:
        return self.overall.responses


class MonthlyEvaluation:
    def __init__(self, config: MonitorConfig, store: MentionStore, tracker: ResponseTracker):
        self.config = config
        self.store = store
        self.tracker = tracker
        self.zone = ZoneInfo(config.monitor.timezone)

    def figures(self, month: Month, watchlist: str | None) -> Figures:
        since, until = month.bounds(self.zone)
        flt = MentionFilter(
            since=since, until=until, watchlists=(watchlist,) if watchlist else (), exclude_roles=(OFFICIAL,)
        )
        counts = dict(self.store.terms("sentiment", flt, size=4))
        sentiment = NetSentiment(counts.get("positive", 0), counts.get("neutral", 0), counts.get("negative", 0))
        return Figures(month, self.store.count(flt), sentiment)

    def _watches(self, status: ResponseStatus, watchlist: str) -> bool:
        incident = status.incident
        if incident.group_key == watchlist:
            return True
        try:
            return watchlist in self.config.rule(incident.rule).watched_watchlists
        except KeyError:
            return False

    def report(
        self, month: Month, now: datetime, *, watchlists: Sequence[str] | None = None, trend_months: int = 3
    ) -> MonthlyReport:
        names = tuple(watchlists if watchlists is not None else self.config.watchlists)
        since, until = month.bounds(self.zone)
        months = tuple(month.shifted(-k) for k in range(trend_months, -1, -1))
        releases = tuple(releases_between(self.store, since, until, self.config.evaluation, now=now))
        responses = tuple(self.tracker.statuses(since, until, now))

        histories = {name: tuple(self.figures(m, name or None) for m in months) for name in ("", *names)}
        total = sum(histories[name][-1].volume for name in names)

        def programme(name: str) -> Programme:
            history = histories[name]
            share = 100 * history[-1].volume / total if name and total else None
            return Programme(
                name,
                history[-1],
                share,
                history[:-1],
                tuple(r for r in releases if not name or name in r.release.watchlists),
                tuple(s for s in responses if not name or self._watches(s, name)),
            )

        return MonthlyReport(month, months, programme(""), tuple(programme(name) for name in names), now)
