"""Progress of long commands: plain lines off a terminal, a tqdm bar with rate and ETA on one,
and the commands that report through it (rules test, processing a backlog)."""

from __future__ import annotations

import io
from datetime import timedelta

from conftest import T0
from test_pipeline import posts
from timeline import Timeline, at, enriched, rule

from monitor.app import load_config
from monitor.clock import SimulatedClock
from monitor.i18n import Messages
from monitor.pipeline import build_pipeline
from monitor.progress import Progress, clock_time
from monitor.rules.backtest import backtest

ID, EN = Messages("id", "Asia/Jakarta"), Messages("en", "Asia/Jakarta")


class Ticks:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_a_plain_line_every_few_seconds_with_rate_and_time_left():
    out, ticks = io.StringIO(), Ticks()
    with Progress(ID, "putar ulang", 1_000, unit="mention", stream=out, clock=ticks, every=5) as bar:
        ticks.now += 1
        bar.update(100)  # too soon for a line
        ticks.now += 4
        bar.update(250, note="waktu simulasi 3 Jan 2026, 08.00 WIB")
        ticks.now += 5
        bar.advance(250)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "putar ulang: 250 dari 1.000 mention (25%) · 50 mention/detik · sisa ~0:15 · waktu simulasi 3 Jan 2026, 08.00 WIB"
    )
    assert lines[1].startswith("putar ulang: 500 dari 1.000 mention (50%) · 50 mention/detik · sisa ~0:10")
    assert lines[2] == "putar ulang: selesai, 500 mention dalam 0:10 (50 mention/detik)"
    assert len(lines) == 3


def test_english_lines_and_an_unknown_total():
    out, ticks = io.StringIO(), Ticks()
    bar = Progress(EN, "processing", unit="mentions", stream=out, clock=ticks, every=1)
    ticks.now += 2
    bar.update(3_000)
    assert out.getvalue() == "processing: 3,000 mentions · 1,500 mentions/s\n"


def test_a_quick_command_prints_no_closing_line():
    out, ticks = io.StringIO(), Ticks()
    with Progress(ID, "uji aturan", 10, unit="langkah", stream=out, clock=ticks) as bar:
        bar.update(10)
    assert out.getvalue() == ""


def test_on_a_terminal_a_bar_with_rate_and_eta():
    out = io.StringIO()
    with Progress(EN, "replay", 400, unit="mentions", stream=out, tty=True) as bar:
        for _ in range(4):
            bar.advance(100, note="simulated time 3 Jan")
    drawn = out.getvalue()
    assert "replay" in drawn and "400/400" in drawn and "100%" in drawn
    assert "mentions/s" in drawn and "<" in drawn  # rate and time left (elapsed<left)
    assert "simulated time 3 Jan" in drawn


def test_clock_time():
    assert [clock_time(s) for s in (0, 42.4, 725, 3723)] == ["0:00", "0:42", "12:05", "1:02:03"]


def test_processing_a_backlog_reports_each_page(write_config, tmp_path):
    (tmp_path / "ekspor.jsonl").write_bytes(posts(5))
    config = load_config(
        write_config('[[sources]]\nname = "ekspor"\ntype = "file"\nchannel = "social"\npath = "ekspor.jsonl"\n')
    )
    pipeline = build_pipeline(config, clock=SimulatedClock(T0), alerters={})
    pipeline.collect_all()
    seen: list[tuple[int, int]] = []
    report = pipeline.process(batch_size=2, progress=lambda done, total: seen.append((done, total)))
    pipeline.close()
    assert report.stored == 5 and seen == [(2, 5), (4, 5), (5, 5)]


def test_rules_test_counts_its_steps(tmp_path):
    keluhan = rule(name="keluhan", type="threshold", window="1h", threshold=2)
    tl = Timeline(tmp_path, [keluhan])
    tl.add(*(enriched(f"antri bansos dari subuh {i}", minutes=10 * i) for i in range(3)))
    seen: list[tuple[int, int]] = []
    result = backtest(
        tl.config,
        [tl.config.rule("keluhan")],
        tl.store,
        at(0),
        at(60),
        step=timedelta(minutes=5),
        progress=lambda done, total: seen.append((done, total)),
    )
    tl.close()
    assert seen == [(n, 13) for n in range(1, 14)] and result.evaluations > 0


def test_a_slow_step_shows_its_rate_with_a_decimal_not_zero():
    out, ticks = io.StringIO(), Ticks()
    with Progress(ID, "pelatihan", 6, unit="tahap", stream=out, clock=ticks, every=5) as bar:
        ticks.now += 18
        bar.update(6)
    assert out.getvalue().splitlines()[-1] == "pelatihan: selesai, 6 tahap dalam 0:18 (0,3 tahap/detik)"
