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

Counts vary more than a Poisson process: people reply to each other and news comes in clusters,
most visibly in short windows. The dispersion `phi` (variance = mu + phi mu^2) is estimated per
window length (15, 30, 60, 120 minutes) from how the counts of the same weeks in bins of that
length scattered around the model, and the chance of a count at least this high is the
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
QUARTERS = 96
QUARTER = timedelta(minutes=15)
# Window lengths (in quarter hours) the dispersion is measured for.
SCALES = (1, 2, 4, 8)
# Ordinary days the level looks back over, and their half-life.
LEVEL_DAYS = 14
LEVEL_HALF_LIFE = 3.0
# Pseudo-days pulling a weekday factor towards 1, pseudo-counts pulling an hour profile towards
# its prior; the volume a holiday has before any is in the history.
WEEKDAY_PRIOR_DAYS = 2.0
PROFILE_PRIOR = 24.0
DEFAULT_HOLIDAY_FACTOR = 0.5
OUTLIER_DAY = 2.5
MAX_DISPERSION = 5.0
# What an ordinary topic's dispersion is taken to be until its history says otherwise, and how
# much history (the sum of squared expected counts) counts as much as that belief.
DISPERSION_PRIOR = 0.3
DISPERSION_PRIOR_WEIGHT = 20.0
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
    # phi per window length in quarter hours (1, 2, 4, 8): talk clusters more at short scales.
    dispersions: tuple[tuple[int, float], ...]
    days: int

    def dispersion(self, span: timedelta) -> float:
        """phi for a window of this length (the longest measured scale not longer than it)."""
        quarters = max(1, int(span / QUARTER))
        return next((phi for size, phi in reversed(self.dispersions) if size <= quarters), self.dispersions[0][1])

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


def fit(quarters: Mapping[date, list[int]], calendar: Calendar, day: date) -> Profile | None:
    """The profile for `day` from local-day counts per quarter hour (96 a day) of the days before
    it (days the store did not cover are left out); None when there are none."""
    days = sorted(d for d in quarters if d < day)
    if not days:
        return None
    kinds = {d: calendar.day(d) for d in days}
    ordinary = [d for d in days if kinds[d].kind != "holiday" and kinds[d].expect == 1.0] or days
    # A crisis day in the history must not teach the profile that its hours are busy: days past
    # OUTLIER_DAY times the median are scaled down to it for the shapes and weekday factors.
    raw = {d: [float(sum(quarters[d][4 * h : 4 * h + 4])) for h in range(HOURS)] for d in days}
    cap = OUTLIER_DAY * max(median(sum(raw[d]) for d in ordinary), MIN_DAILY)
    hourly = {d: [c * min(1.0, cap / max(sum(raw[d]), 1e-9)) for c in raw[d]] for d in days}
    totals = {d: sum(hourly[d]) for d in days}
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
        return [sum(hourly[d][h] for d in selected) for h in range(HOURS)]

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
    profile = Profile(day, level, tuple(weekday_factor), holiday_factor, shapes, ((1, 0.0),), len(days))
    scatter = tuple((size, _dispersion(profile, quarters, kinds, ordinary, size)) for size in SCALES)
    return Profile(day, level, tuple(weekday_factor), holiday_factor, shapes, scatter, len(days))


def _dispersion(
    profile: Profile, quarters: Mapping[date, list[int]], kinds: Mapping[date, Day], days: list[date], size: int
) -> float:
    """phi for windows of `size` quarter hours, from the scatter of the counts in such bins around
    the profile (method of moments). Each day is scaled to the level of the week around it, so a
    topic that grew over the weeks (which the level follows anyway) does not pass for noise;
    counts far above the model (earlier crises) are capped so they do not make every burst look
    ordinary."""
    if not days:
        return 0.0
    hourly = np.array([[profile.hourly(kinds[d], d.weekday(), h) for h in range(HOURS)] for d in days])
    mu = np.repeat(hourly / 4, 4, axis=1)  # per quarter hour
    x = np.array([quarters[d] for d in days], dtype=float)
    ratio = _weekly(x.sum(axis=1)) / np.maximum(_weekly(mu.sum(axis=1)), 1e-9)
    mu = mu * np.clip(ratio, 0.2, 5.0)[:, None]
    bins = QUARTERS // size
    mu = mu[:, : bins * size].reshape(len(days), bins, size).sum(axis=2)
    x = x[:, : bins * size].reshape(len(days), bins, size).sum(axis=2)
    x = np.minimum(x, np.maximum(3 * mu, mu + 10))
    # Shrunk towards a prior: with a few mentions an hour, one busy conversation would otherwise
    # decide the whole estimate.
    excess, scale = float(((x - mu) ** 2 - mu).sum()), float((mu * mu).sum())
    phi = (excess + DISPERSION_PRIOR_WEIGHT * DISPERSION_PRIOR) / (scale + DISPERSION_PRIOR_WEIGHT)
    return min(max(phi, 0.0), MAX_DISPERSION)


def _weekly(daily: np.ndarray) -> np.ndarray:
    """Each day's sum over the week around it (three days each side, fewer at the ends)."""
    sums = np.concatenate(([0.0], np.cumsum(daily)))
    index = np.arange(len(daily))
    low, high = np.maximum(index - 3, 0), np.minimum(index + 4, len(daily))
    result: np.ndarray = sums[high] - sums[low]
    return result


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
