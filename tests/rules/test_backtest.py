"""`monitor rules test`: a rule over stored history, on a throwaway state database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from timeline import Timeline, at, enriched, rule

from monitor.cli.moments import parse_moment, parse_until
from monitor.i18n import Messages
from monitor.rules.backtest import backtest_rule, format_backtest

NEG = "negative"


@pytest.fixture
def history(tmp_path: Path):
    keluhan = rule(
        name="keluhan",
        type="threshold",
        window="1h",
        threshold=4,
        sentiment=[NEG],
        resolve_after="3h",
        description="Keluhan bansos",
    )
    sepi = rule(name="sepi", type="silence")
    tl = Timeline(tmp_path, [keluhan, sepi])
    # Day 1, 10:00 WIB: a burst of complaints; day 3, 14:00 WIB: another, bigger one.
    tl.add(*(enriched(f"BLT ga cair2, kecewa {i}", minutes=2 * 60, sentiment=NEG, author=f"w{i}") for i in range(5)))
    tl.add(
        *(
            enriched(
                f"antri bansos dari subuh, parah {i}",
                minutes=(2 * 24 + 6) * 60 + (20 if i >= 5 else 0),
                sentiment=NEG,
                author=f"x{i}",
            )
            for i in range(12)
        )
    )
    tl.add(*(enriched(f"info penyaluran {i}", minutes=30 * i) for i in range(100)))  # ordinary news
    yield tl
    tl.close()


def test_backtest_reports_when_it_would_have_fired(history):
    result = backtest_rule(history.config, "keluhan", history.store, at(0), at(4 * 24 * 60))
    summary = [(f.event, f.at) for f in result.firings]
    assert [e for e, _ in summary] == ["opened", "resolved", "opened", "escalated", "resolved"]
    assert at(2 * 60) < summary[0][1] <= at(3 * 60)
    assert at((2 * 24 + 6) * 60) < summary[2][1] <= at((2 * 24 + 7) * 60)
    assert result.incidents == 2
    text = format_backtest(result, Messages("id", "Asia/Jakarta"))
    assert "2 insiden, 5 peringatan" in text and "WIB" in text and "Eskalasi" in text
    # The monitor's own incidents and outbox are untouched.
    assert history.incidents() == [] and history.queued() == []


def test_backtest_of_a_quiet_period(history):
    result = backtest_rule(history.config, "keluhan", history.store, at(5 * 24 * 60), at(6 * 24 * 60))
    assert result.firings == []
    assert "Tidak akan pernah menyala" in format_backtest(result, Messages("id", "Asia/Jakarta"))


def test_backtest_refuses_what_it_cannot_answer(history):
    with pytest.raises(KeyError, match="aturan yang ada: keluhan, sepi"):
        backtest_rule(history.config, "tidak-ada", history.store, at(0), at(60))
    with pytest.raises(ValueError, match="silence"):
        backtest_rule(history.config, "sepi", history.store, at(0), at(60))
    with pytest.raises(ValueError, match="setelah"):
        backtest_rule(history.config, "keluhan", history.store, at(60), at(0))


def test_parse_moment_in_local_time():
    utc = UTC
    assert parse_moment("2026-11-20", "Asia/Jakarta") == datetime(2026, 11, 19, 17, 0, tzinfo=utc)
    assert parse_moment("2026-11-20", "Asia/Jakarta", end_of_day=True) == datetime(2026, 11, 20, 17, 0, tzinfo=utc)
    assert parse_moment("2026-11-20T08:30", "Asia/Makassar") == datetime(2026, 11, 20, 0, 30, tzinfo=utc)
    assert parse_moment("2026-11-20T08:30+00:00", "Asia/Jakarta") == datetime(2026, 11, 20, 8, 30, tzinfo=utc)
    with pytest.raises(ValueError, match="tanggal tidak dikenal"):
        parse_moment("20/11/2026", "Asia/Jakarta")


def test_parse_until_takes_a_duration_or_a_moment():
    assert parse_until("2h", at(0), "Asia/Jakarta") == at(120)
    assert parse_until("2026-11-23", at(0), "Asia/Jakarta") == at(16 * 60)  # midnight WIB at the end of the 23rd
    with pytest.raises(ValueError, match="--until tidak dikenal"):
        parse_until("besok", at(0), "Asia/Jakarta")
