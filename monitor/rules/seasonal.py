"""How many mentions to expect in a short window, and how surprising a count is.

The `burst` rule compares the last minutes with what this hour of this kind of day usually holds.
The expectation is learned from the weeks before the day being judged:

    expected per hour = level x weekday factor x day-kind factor x share of the day in this hour

- `level`: the recent typical daily volume, an exponentially weighted mean of the last two weeks
  of ordinary days (half-life three days) with each day capped at three times their median, so
  the topic's own rise or fall is followed within days and one crisis day does not become normal;
- weekday factors: Mondays are not Sundays (shrunk towards 1 while few days are known);
- the day's hour profile, learned per kind of day: Monday to Friday, weekends, public holidays
  (until the history holds some, the weekend profile), Ramadan (sahur and buka puasa move the
  talk: until learned, the ordinary profile half flattened, so a 03:00 post is not a crisis);
- day-kind factors: a holiday is as busy as holidays in the history were (half an ordinary day
  until some are known); a `busy` event in `[calendar]` multiplies the expectation.

Counts vary more than a Poisson process: people reply to each other and news comes in clusters.
The dispersion `phi` (variance = mu + phi mu^2) is estimated from how the hourly counts of the
same weeks scattered around the model, and the chance of a count at least this high is the
negative-binomial tail with that dispersion (Poisson when phi is 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import numpy as np

from monitor.rules.calendar import Calendar, Day

HOURS = 24
# Ordinary days the level looks back over, and their half-life.
LEVEL_DAYS = 14
LEVEL_HALF_LIFE = 3.0
# Pseudo-days pulling a weekday factor towards 1, pseudo-counts pulling an hour profile towards
# its prior; the volume a holiday has before any is in the history.
WEEKDAY_PRIOR_DAYS = 2.0
PROFILE_PRIOR = 24.0
DEFAULT_HOLIDAY_FACTOR = 0.5
MAX_DISPERSION = 2.0
# The expectation never goes below this many mentions a day: a topic that has been silent for
# weeks is not infinitely surprised by its first post.
MIN_DAILY = 0.5


@dataclass(frozen=True)
class Profile:
    """What one group's mentions usually look like, learned from the days before `day`."""

    day: date
    level: float
    weekday_factor: tuple[float, ...]
    holiday_factor: float
    shapes: Mapping[str, tuple[float, ...]]
    dispersion: float
    days: int

    def shape_for(self, kind: str, weekday: int) -> tuple[float, ...]:
        if kind == "normal":
            return self.shapes["weekend" if weekday >= 5 else "weekday"]
        return self.shapes[kind]

    def hourly(self, day: Day, weekday: int, hour: int) -> float:
        """Mentions expected in one local hour of a day of this kind."""
        factor = self.holiday_factor if day.kind == "holiday" else self.weekday_factor[weekday]
        return self.level * factor * day.expect * self.shape_for(day.kind, weekday)[hour]


def _shape(counts: list[float], prior: tuple[float, ...], strength: float = PROFILE_PRIOR) -> tuple[float, ...]:
    total = sum(counts)
    return tuple((c + strength * p) / (total + strength) for c, p in zip(counts, prior, strict=True))


def fit(hourly: Mapping[date, list[int]], calendar: Calendar, day: date) -> Profile | None:
    """The profile for `day` from local-day hourly counts of the days before it (days the store
    did not cover are left out of `hourly`); None when there are none."""
    days = sorted(d for d in hourly if d < day)
    if not days:
        return None
    kinds = {d: calendar.day(d) for d in days}
    totals = {d: float(sum(hourly[d])) for d in days}
    ordinary = [d for d in days if kinds[d].kind != "holiday" and kinds[d].expect == 1.0] or days
    mean_all = max(sum(totals[d] for d in ordinary) / len(ordinary), MIN_DAILY)
    weekday_factor = []
    for weekday in range(7):
        same = [totals[d] for d in ordinary if d.weekday() == weekday]
        weekday_factor.append((sum(same) + WEEKDAY_PRIOR_DAYS * mean_all) / (len(same) + WEEKDAY_PRIOR_DAYS) / mean_all)
    recent = ordinary[-LEVEL_DAYS:]
    adjusted = [totals[d] / weekday_factor[d.weekday()] for d in recent]
    cap = 3 * max(median(adjusted), MIN_DAILY)
    weights = [0.5 ** ((day - d).days / LEVEL_HALF_LIFE) for d in recent]
    level = max(sum(w * min(a, cap) for w, a in zip(weights, adjusted, strict=True)) / sum(weights), MIN_DAILY)

    def pooled(selected: list[date]) -> list[float]:
        return [float(sum(hourly[d][h] for d in selected)) for h in range(HOURS)]

    uniform = tuple(1 / HOURS for _ in range(HOURS))
    normal = [d for d in ordinary if kinds[d].kind == "normal"] or ordinary
    overall = _shape(pooled(normal), uniform)
    weekday_shape = _shape(pooled([d for d in normal if d.weekday() < 5]), overall)
    weekend_shape = _shape(pooled([d for d in normal if d.weekday() >= 5]), overall)
    holidays = [d for d in days if kinds[d].kind == "holiday"]
    ramadan = [d for d in days if kinds[d].kind == "ramadan"]
    flattened = tuple((a + b) / 2 for a, b in zip(overall, uniform, strict=True))
    shapes = {
        "weekday": weekday_shape,
        "weekend": weekend_shape,
        "holiday": _shape(pooled(holidays), weekend_shape),
        "ramadan": _shape(pooled(ramadan), flattened),
    }
    if len(holidays) >= 2:
        holiday_factor = min(max(sum(totals[d] for d in holidays) / len(holidays) / level, 0.1), 1.5)
    else:
        holiday_factor = DEFAULT_HOLIDAY_FACTOR
    profile = Profile(day, level, tuple(weekday_factor), holiday_factor, shapes, 0.0, len(days))
    return Profile(
        day,
        level,
        tuple(weekday_factor),
        holiday_factor,
        shapes,
        _dispersion(profile, hourly, kinds, ordinary),
        len(days),
    )


def _dispersion(
    profile: Profile, hourly: Mapping[date, list[int]], kinds: Mapping[date, Day], days: list[date]
) -> float:
    """phi from the scatter of hourly counts around the profile (method of moments); counts far
    above the model (earlier crises) are capped so they do not make every burst look ordinary."""
    if not days:
        return 0.0
    mu = np.array([[profile.hourly(kinds[d], d.weekday(), h) for h in range(HOURS)] for d in days])
    x = np.minimum(np.array([hourly[d] for d in days], dtype=float), np.maximum(3 * mu, mu + 10))
    scale = float((mu * mu).sum())
    return min(max(float(((x - mu) ** 2 - mu).sum()) / scale, 0.0), MAX_DISPERSION) if scale else 0.0


def expected(profile: Profile, calendar: Calendar, start: datetime, end: datetime, zone: ZoneInfo) -> float:
    """Mentions expected in [start, end): each local hour's rate for the part of it covered."""
    total = 0.0
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        hour_end = (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).astimezone(start.tzinfo)
        piece = min(hour_end, end) - moment
        day = calendar.day(local.date())
        total += profile.hourly(day, local.weekday(), local.hour) * piece / timedelta(hours=1)
        moment += piece
    return total


def _log_pmf(mean: float, dispersion: float) -> Callable[[int], float]:
    """log P(X = k): negative binomial with this mean and dispersion, Poisson when it is ~0."""
    mean = max(mean, 1e-9)
    if dispersion < 1e-6:
        return lambda k: k * math.log(mean) - mean - math.lgamma(k + 1)
    size = 1 / dispersion
    log_p, log_q = math.log(size / (size + mean)), math.log(mean / (size + mean))
    return lambda k: math.lgamma(k + size) - math.lgamma(size) - math.lgamma(k + 1) + size * log_p + k * log_q


def tail(observed: int, mean: float, dispersion: float) -> float:
    """P(X >= observed) for X negative binomial with this mean and dispersion (Poisson at 0)."""
    if observed <= 0:
        return 1.0
    log_pmf = _log_pmf(mean, dispersion)
    if observed <= mean:  # no alert needs precision here
        return max(0.0, 1.0 - sum(math.exp(log_pmf(k)) for k in range(observed)))
    # Past the mean the terms only shrink: sum from `observed` until they stop mattering.
    first = log_pmf(observed)
    total, k = 0.0, observed
    while True:
        term = math.exp(log_pmf(k) - first)
        total += term
        k += 1
        if term < 1e-12 * total or k > observed + 100_000:
            break
    return min(1.0, math.exp(first) * total)
