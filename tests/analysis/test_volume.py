"""Volume over time in local time, on both stores: days start at local midnight, not UTC's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import upserted

from monitor.analysis.volume import choose_interval, volume, volume_by
from monitor.store.base import MentionFilter
from tests.store.samples import BY_ID, DAY, MENTIONS

# Late evening in WIB (23:00, 2 November) is already 3 November in WIT (01:00).
LATE = replace(
    BY_ID["m5"],
    mention=replace(BY_ID["m5"].mention, id="m8", published_at=DAY + timedelta(hours=16), text="antre lagi malam ini"),
)


def test_days_start_at_local_midnight(store):
    upserted(store, [*MENTIONS, LATE])
    midnight_wib = datetime(2026, 11, 1, 17, tzinfo=UTC)  # 2 November 00:00 WIB
    assert volume(store, MentionFilter(), timedelta(days=1), "Asia/Jakarta") == [(midnight_wib, 8)]
    midnight_wit = datetime(2026, 11, 1, 15, tzinfo=UTC)  # 2 November 00:00 WIT
    assert volume(store, MentionFilter(), timedelta(days=1), "Asia/Jayapura") == [
        (midnight_wit, 7),
        (midnight_wit + timedelta(days=1), 1),
    ]


def test_empty_days_inside_the_window_are_zero(store):
    upserted(store, MENTIONS)
    midnight = datetime(2026, 11, 1, 17, tzinfo=UTC)
    flt = MentionFilter(since=midnight - timedelta(days=1), until=midnight + timedelta(days=2))
    counts = [n for _, n in volume(store, flt, timedelta(days=1), "Asia/Jakarta")]
    assert counts == [0, 7, 0]


def test_weeks_start_on_monday(store):
    upserted(store, MENTIONS)
    (start, count), *_ = volume(store, MentionFilter(), timedelta(days=7), "Asia/Jakarta")
    local = start.astimezone(ZoneInfo("Asia/Jakarta"))
    assert (local.date(), local.hour, count) == (date(2026, 11, 2), 0, 7)  # a Monday, 00:00 WIB


def test_hours_are_the_stores_own_histogram_over_the_datas_span(store):
    upserted(store, MENTIONS)
    series = volume(store, MentionFilter(), timedelta(hours=1), "Asia/Jakarta")
    assert series[0] == (DAY + timedelta(hours=1), 2) and series[-1] == (DAY + timedelta(hours=7), 1)
    assert [n for _, n in series] == [2, 1, 1, 0, 1, 1, 1]


def test_one_series_per_value_on_one_axis(store):
    upserted(store, MENTIONS)
    series = volume_by(store, "sentiment", MentionFilter(), timedelta(hours=1), "Asia/Jakarta")
    assert {k: sum(n for _, n in s) for k, s in series.items()} == dict(store.terms("sentiment", MentionFilter()))
    assert len({tuple(at for at, _ in s) for s in series.values()}) == 1
    topics = volume_by(store, "topics", MentionFilter(), timedelta(days=1), "Asia/Jakarta", values=["bencana"])
    assert list(topics) == ["bencana"] and sum(n for _, n in topics["bencana"]) == 4
    stories = volume_by(store, "story_id", MentionFilter(), timedelta(days=1), "Asia/Jakarta")
    assert {k: sum(n for _, n in s) for k, s in stories.items()} == {"s-rob": 2}


def test_nothing_stored_is_an_empty_series(store):
    assert volume(store, MentionFilter(), timedelta(days=1), "Asia/Jakarta") == []
    assert volume_by(store, "source", MentionFilter(), timedelta(hours=1), "Asia/Jakarta") == {}


def test_the_interval_fits_the_span():
    start = datetime(2026, 11, 20, tzinfo=UTC)
    assert choose_interval(start, start + timedelta(hours=5)) == timedelta(minutes=15)
    assert choose_interval(start, start + timedelta(days=2)) == timedelta(hours=1)
    assert choose_interval(start, start + timedelta(days=30)) == timedelta(days=1)
    assert choose_interval(start, start + timedelta(days=3650)) == timedelta(days=7)
