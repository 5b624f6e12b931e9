"""Volume over time, in the office's local time, from the MentionStore protocol alone.

The stores count in buckets aligned to the UTC epoch. Buckets shorter than a day are asked for
directly (Indonesian zones are whole hours from UTC, so hours line up); a day or a week starts at
local midnight, so those are summed here from hourly counts. Both stores therefore give the same
answer, and "mentions on 20 November" means 20 November in WIB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.store.base import MentionFilter, MentionStore, TermField

Series = list[tuple[datetime, int]]

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Intervals a chart may use, shortest first; `choose_interval` picks the first that fits.
INTERVALS = (
    timedelta(minutes=15),
    timedelta(minutes=30),
    HOUR,
    timedelta(hours=3),
    timedelta(hours=6),
    DAY,
    timedelta(days=7),
)
# Past this many hourly buckets (about 4.5 years), days are summed from UTC days instead.
MAX_HOURLY = 40_000


def choose_interval(start: datetime, end: datetime, *, buckets: int = 48) -> timedelta:
    """The shortest interval that shows [start, end) in at most `buckets` bars."""
    span = max(end - start, timedelta(minutes=1))
    return next((i for i in INTERVALS if span / i <= buckets), INTERVALS[-1])


def window(store: MentionStore, flt: MentionFilter, interval: timedelta, zone: ZoneInfo) -> MentionFilter:
    """`flt` with since/until filled from the data where missing, rounded out to whole buckets."""
    if flt.since and flt.until:
        return flt
    span = store.span(flt)
    if span is None:
        return flt
    first, last = span
    since = flt.since or _floor(first, interval, zone)
    until = flt.until or _floor(last, interval, zone) + interval
    return replace(flt, since=since, until=until)


def _floor(moment: datetime, interval: timedelta, zone: ZoneInfo) -> datetime:
    """The start of the bucket holding `moment`: local midnights for days, the UTC grid otherwise."""
    if interval >= DAY:
        local = moment.astimezone(zone)
        midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
        days = interval // DAY
        # Ordinal 1 (1 January of year 1) is a Monday: weeks start on Mondays.
        index = (midnight.date().toordinal() - 1) // days * days + 1
        start = datetime.fromordinal(index).replace(tzinfo=zone)
        return start.astimezone(UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + (moment - epoch) // interval * interval


def volume(store: MentionStore, flt: MentionFilter, interval: timedelta, zone: ZoneInfo | str) -> Series:
    """Mentions per bucket of `interval` (UTC start times), empty buckets included; days and
    weeks start at local midnight in `zone`. Without since/until the data's own span is used."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    flt = window(store, flt, interval, zone)
    if not (flt.since and flt.until):
        return []
    if interval < DAY:
        return store.histogram(flt, interval)
    base = HOUR if (flt.until - flt.since) / HOUR <= MAX_HOURLY else DAY
    counts: dict[datetime, int] = {}
    start = _floor(flt.since, interval, zone)
    moment = start
    while moment < flt.until:
        counts[moment] = 0
        moment = _floor(moment + interval + HOUR, interval, zone)  # DST-safe step to the next bucket
    for at, n in store.histogram(flt, base):
        key = _floor(at, interval, zone)
        counts[key] = counts.get(key, 0) + n
    return sorted(counts.items())


def volume_by(
    store: MentionStore,
    field: TermField,
    flt: MentionFilter,
    interval: timedelta,
    zone: ZoneInfo | str,
    *,
    values: Sequence[str] | None = None,
    size: int = 5,
) -> dict[str, Series]:
    """One series per value of `field` (the `size` most frequent, or `values`), on one time axis."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    flt = window(store, flt, interval, zone)
    chosen = list(values) if values is not None else [value for value, _ in store.terms(field, flt, size=size)]
    return {value: volume(store, flt.only(field, value), interval, zone) for value in chosen}
