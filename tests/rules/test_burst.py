"""`burst`: the calendar, the expectation and its surprise, and the rule on synthetic weeks."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from synthetic import WIB, Talk
from timeline import Timeline, enriched, rule

from monitor.config import CalendarConfig, CalendarEvent
from monitor.rules.calendar import Calendar
from monitor.rules.seasonal import fit, tail
from monitor.values import utc


def test_the_calendar_knows_holidays_cuti_bersama_ramadan_and_the_teams_events() -> None:
    calendar = Calendar()
    assert calendar.day(date(2021, 5, 13)).kind == "holiday" and "Idul Fitri" in calendar.day(date(2021, 5, 13)).name
    assert calendar.day(date(2021, 5, 12)).name == "Cuti Bersama Hari Raya Idul Fitri"
    assert calendar.day(date(2024, 2, 14)).name == "Hari Pemilihan Umum"  # election day, government category
    assert calendar.day(date(2021, 4, 20)).kind == "ramadan" and calendar.day(date(2021, 3, 20)).kind == "normal"
    own = Calendar(
        CalendarConfig(
            events=(
                CalendarEvent(name="Pilkada serentak", date=date(2026, 11, 25), effect="busy", expect=3),
                CalendarEvent(name="HUT kota", date=date(2026, 8, 20), end=date(2026, 8, 21)),
            )
        )
    )
    assert own.day(date(2026, 11, 25)).expect == 3 and own.day(date(2026, 11, 25)).kind == "normal"
    assert own.day(date(2026, 8, 21)).kind == "holiday" and own.day(date(2026, 8, 22)).kind == "normal"
    assert Calendar(CalendarConfig(holidays="")).day(date(2021, 5, 13)).kind == "normal"


def test_the_tail_is_poisson_without_dispersion_and_heavier_with_it() -> None:
    poisson = 1 - sum(math.exp(-0.5) * 0.5**k / math.factorial(k) for k in range(4))
    assert tail(4, 0.5, 0.0) == pytest.approx(poisson, rel=1e-9)
    assert tail(4, 0.5, 0.5) > tail(4, 0.5, 0.0)
    assert tail(30, 2.0, 0.2) < tail(20, 2.0, 0.2) < tail(10, 2.0, 0.2) < 1
    assert tail(0, 3.0, 0.1) == 1.0 and 0.5 < tail(2, 3.0, 0.1) < 1


def weeks_of_quarters(weeks: int, day: date, per_day: float, seed: int) -> dict[date, list[int]]:
    """Local-day counts of distinct accounts per quarter hour, as the burst rule reads them."""
    start = datetime.combine(day - timedelta(weeks=weeks), datetime.min.time(), WIB)
    posts = Talk(seed=seed, per_day=per_day).posts(start, datetime.combine(day, datetime.min.time(), WIB))
    days: dict[date, list[set[str]]] = {
        start.date() + timedelta(days=i): [set() for _ in range(96)] for i in range(weeks * 7)
    }
    for post in posts:
        local = post.published_at.astimezone(WIB)
        days[local.date()][local.hour * 4 + local.minute // 15].add(post.author)
    return {d: [len(q) for q in quarters] for d, quarters in days.items()}


def test_the_profile_learns_the_weekly_rhythm_the_level_and_ramadan() -> None:
    day = date(2021, 3, 1)
    profile = fit(weeks_of_quarters(8, day, 40, seed=1), Calendar(), day)
    assert profile is not None and profile.days == 56
    assert profile.weekday_factor[0] > 1.05 > 0.8 > profile.weekday_factor[6]  # Monday against Sunday
    assert 30 < profile.level < 55  # about the 40 a day the talk has on a weekday-average day
    # Conversations cluster: short windows scatter more than long ones, none absurdly.
    quarter, hour = profile.dispersion(timedelta(minutes=15)), profile.dispersion(timedelta(hours=1))
    assert 2 > quarter > hour > 0
    weekday = profile.shape_for("normal", 0)
    assert weekday[10] > 5 * weekday[2]  # mornings, not nights
    # No Ramadan in these weeks yet: its profile is the ordinary one half flattened.
    assert profile.shapes["ramadan"][2] > 2 * weekday[2] and profile.holiday_factor == 0.5


@pytest.mark.slow
@pytest.mark.parametrize(("extra", "within"), [(16, 60), (40, 20)])
def test_the_rule_fires_on_a_5x_and_a_12x_burst_and_not_on_the_weekly_rhythm(
    tmp_path: Path, extra: int, within: int
) -> None:
    lonjakan = rule(name="lonjakan", type="burst", watchlists=["bansos"], resolve_after="1h")
    start = datetime(2026, 10, 26, tzinfo=WIB)  # a Monday, four weeks before the burst
    tl = Timeline(tmp_path, [lonjakan], start=utc(start))
    talk = Talk(seed=7, per_day=48).posts(start, start + timedelta(weeks=4, days=2))
    tl.add(*(enriched(p.text, published=p.published_at, author=p.author, key=p.id) for p in talk))
    # Every step through a Friday, a Saturday, a Sunday and a Monday of ordinary talk: nothing.
    tl.clock.set(utc(start + timedelta(weeks=3, days=4)))
    assert tl.run(4 * 24 * 60 + 10 * 60) == []
    # Tuesday 10:00 WIB, about 4 an hour usually: `extra` more within the hour (5x, then 12x).
    onset = utc(start + timedelta(weeks=4, days=1, hours=10))
    rng = random.Random(2)
    tl.add(*(enriched(f"bansos dipotong lagi #{i}", published=onset + timedelta(minutes=rng.uniform(0, 60)),
                      author=f"b{i}") for i in range(extra)))  # fmt: skip
    alerts = tl.run(60)
    assert alerts and alerts[0].event == "opened"
    assert onset < alerts[0].fired_at <= onset + timedelta(minutes=within)
    assert alerts[0].baseline is not None and alerts[0].count >= 3 * alerts[0].baseline
    assert any(line.startswith("yang mendorong: ") and "'dipotong' (" in line for line in alerts[0].evidence)
    assert any("akun per jam pada Selasa 10.00 WIB" in line for line in alerts[0].evidence)
    tl.close()


@pytest.mark.slow
def test_a_holiday_is_judged_against_holidays(tmp_path: Path) -> None:
    lonjakan = rule(name="lonjakan", type="burst", watchlists=["bansos"], min_count=4)
    start = datetime(2021, 3, 29, tzinfo=WIB)
    tl = Timeline(tmp_path, [lonjakan], start=utc(start))
    talk = Talk(seed=3, per_day=30).posts(start, datetime(2021, 5, 20, tzinfo=WIB))
    tl.add(*(enriched(p.text, published=p.published_at, author=p.author, key=p.id) for p in talk))
    # Idulfitri 2021 (13-14 May, cuti bersama 12 May), Ramadan before it, ordinary days after.
    tl.clock.set(utc(datetime(2021, 5, 10, tzinfo=WIB)))
    assert tl.run(8 * 24 * 60, step=15) == []
    tl.close()


def test_options_explain_their_limits() -> None:
    with pytest.raises(ValidationError, match="min_window"):
        rule(type="burst", window="10m", min_window="15m")
    with pytest.raises(ValidationError, match="paling pendek 5m"):
        rule(type="burst", min_window="1m")
    assert [s.total_seconds() / 60 for s in rule(type="burst", window="2h").scales()] == [15, 30, 60, 120]
