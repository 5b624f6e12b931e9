"""Lazy evaluation (only when a rule's scopes change) gives the same incidents and alerts as
evaluating every rule at every step, for every rule type that declares what it depends on."""

from __future__ import annotations

import io
import json
import random
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from synthetic import WIB, Post, Talk, campaign, complaint_surge, hoax_with_clarification, launch_day
from timeline import Timeline, at, enriched, rule

from monitor.alerters.types.log import LogAlerter
from monitor.app import load_config
from monitor.db import StateDB
from monitor.i18n import Messages
from monitor.replay import replay
from monitor.rules.backtest import backtest
from monitor.rules.lazy import ChangeLog
from monitor.store.base import MentionFilter

RULES = {
    "any-hoaks": 'type = "any"\nflags = ["hoaks"]\nwindow = "6h"\nresolve_after = "1h"',
    "threshold": 'type = "threshold"\nwindow = "1h"\nthreshold = 8\nunique_authors = true\nresolve_after = "1h"\ncooldown = "20m"',
    "spike": 'type = "spike"\nwindow = "1h"\nbaseline_weeks = 1\nmin_count = 6\ndelay = "10m"\nresolve_after = "1h"',
    "spike-down": 'type = "spike"\nwindow = "3h"\nbaseline_weeks = 1\ndirection = "both"\nmin_baseline = 2\nresolve_after = "2h"',
    "burst": 'type = "burst"\nresolve_after = "1h"',
    "negative": 'type = "negative_surge"\nwindow = "2h"\nmin_volume = 8\nbaseline_period = "3d"\nresolve_after = "1h"',
    "viral": 'type = "viral"\nwindow = "1d"\nmin_growth = 300\nresolve_after = "1h"',
    "story": 'type = "new_story"\nwindow = "2h"\nmin_mentions = 3\nnovelty = "2d"\nresolve_after = "1h"',
    "copies": 'type = "coordinated"\nwindow = "30m"\nmin_accounts = 4\nresolve_after = "1h"',
    "narrative": 'type = "narrative"\nwindow = "2h"\nmin_accounts = 10\nbaseline_period = "7d"\nresolve_after = "1h"',
}


def history(tmp_path: Path) -> Path:
    start = datetime(2021, 8, 1, tzinfo=WIB)
    posts = Talk(seed=12, per_day=14).posts(start, start + timedelta(days=12))
    posts += launch_day(start + timedelta(days=8, hours=10), per_hour=12, hours=2, seed=2)
    posts += complaint_surge(start + timedelta(days=9, hours=9), per_hour=10, hours=3, seed=3)
    posts += campaign(start + timedelta(days=10, hours=20), accounts=40, posts=45, within=timedelta(hours=2))
    posts += hoax_with_clarification(start + timedelta(days=11, hours=8))
    rng = random.Random(1)
    copy = "Program vaksin gratis pemerintah luar biasa, terima kasih bapak presiden 🙏 #vaksin"
    posts += [
        Post(f"salin-{i}", copy, (start + timedelta(days=11, hours=15, minutes=rng.uniform(0, 20))), f"akun_salin_{i}")
        for i in range(6)
    ]
    lines = [p.to_json() for p in sorted(posts, key=lambda p: p.published_at)]
    # One post collected three times with growing engagement (the viral rule's growth).
    viral = start + timedelta(days=9, hours=15)
    for n, likes in enumerate((50, 900, 2600)):
        lines.append(
            json.dumps(
                {
                    "id": "viral-1",
                    "text": "Video antre vaksin sampai pingsan di sentra GOR, parah bgt 😡",
                    "published_at": viral.isoformat(),
                    "collected_at": (viral + timedelta(minutes=40 * n)).isoformat(),
                    "author": "warga_rekam",
                    "likes": likes,
                },
                ensure_ascii=False,
            )
        )
    path = tmp_path / "riwayat.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_lazy_replay_gives_the_same_incidents_and_alerts_as_step_by_step(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    for name, body in RULES.items():
        (tmp_path / "rules" / f"{name}.toml").write_text(
            f'description = "{name}"\nwatchlists = ["vaksin"]\n{body}\n', encoding="utf-8"
        )
    (tmp_path / "monitor.toml").write_text(
        textwrap.dedent(
            """
            rules_dir = "rules"
            [classifier]
            type = "lexicon"
            [watchlists]
            vaksin = ["vaksin", "vaksinasi", "divaksin", "#vaksinmerahputih"]
            """
        ),
        encoding="utf-8",
    )
    config = load_config(tmp_path / "monitor.toml")
    source = history(tmp_path)
    results = {}
    for mode in ("lazy", "step"):
        printed = io.StringIO()
        folder = tmp_path / mode
        report = replay(
            config,
            source,
            alerters={"log": LogAlerter("log", Messages(), stream=printed)},
            data_dir=folder,
            step_by_step=mode == "step",
        )
        state = StateDB(folder / "state.sqlite3")
        alerts = [json.loads(p) for (p,) in state.query("SELECT payload FROM outbox ORDER BY seq")]
        state.close()
        results[mode] = (report, alerts, printed.getvalue())
    (lazy, lazy_alerts, lazy_text), (step, step_alerts, step_text) = results["lazy"], results["step"]

    fired = {line.rule for line in step.lines}
    assert fired >= {"any-hoaks", "threshold", "burst", "viral", "narrative", "copies", "story"}, fired
    assert [(a["id"], a["event"], a["count"]) for a in lazy_alerts] == [
        (a["id"], a["event"], a["count"]) for a in step_alerts
    ]
    assert lazy.lines == step.lines and lazy_text == step_text
    assert lazy.evaluations * 5 < step.evaluations  # the point of it


def test_the_change_log_only_wakes_a_rule_for_what_it_watches(tmp_path: Path) -> None:
    burst = rule(name="b", type="burst", window="1h", watchlists=["bansos"])
    spike = rule(name="s", type="spike", window="1h", baseline_weeks=1, watchlists=["bansos"])
    tl = Timeline(tmp_path, [burst, spike])
    log = ChangeLog([burst, spike])
    watch_b, watch_s = tl.engine.rule_type(burst).watch, tl.engine.rule_type(spike).watch  # type: ignore[attr-defined]
    log.evaluated("b", at(0))
    log.evaluated("s", at(0))
    post = enriched("bansos cair", minutes=-2)
    log.observe([post, enriched("berita lain", minutes=-1, watchlists=())])
    # A new matching mention inside the window: both are due at once.
    assert log.due(burst, watch_b, at(5)) and log.due(spike, watch_s, at(5))
    log.evaluated("b", at(5))
    log.evaluated("s", at(5))
    # Leaving the window cannot make a burst fire, but leaving last week's window can make a spike.
    assert log.next_change(burst, watch_b) == at(15) - timedelta(microseconds=1)  # the next tick
    assert log.next_change(spike, watch_s) == at(-2 + 60)  # it enters last week's scope... as it leaves the window
    assert not log.due(spike, watch_s, at(55)) and log.due(spike, watch_s, at(60))
    tl.close()


@pytest.mark.slow
def test_a_lazy_backtest_matches_the_step_by_step_one(tmp_path: Path) -> None:
    keluhan = rule(name="keluhan", type="threshold", window="1h", threshold=4, sentiment=["negative"])
    lonjakan = rule(name="lonjakan", type="burst", min_history="2d", watchlists=["bansos"])
    tl = Timeline(tmp_path, [keluhan, lonjakan])
    rng = random.Random(5)
    tl.add(*(enriched(f"info bansos {i}", minutes=rng.uniform(-4 * 24 * 60, 0), author=f"w{i}") for i in range(300)))
    tl.add(
        *(enriched(f"bansos blm cair {i}", minutes=600 + i, sentiment="negative", author=f"k{i}") for i in range(12))
    )
    lazy = backtest(tl.config, [keluhan, lonjakan], tl.store, at(-3 * 24 * 60), at(24 * 60))
    step = backtest(tl.config, [keluhan, lonjakan], tl.store, at(-3 * 24 * 60), at(24 * 60), step_by_step=True)

    assert [(f.rule, f.event, f.at, f.count) for f in lazy.firings] == [
        (f.rule, f.event, f.at, f.count) for f in step.firings
    ]
    assert {f.rule for f in lazy.firings} == {"keluhan", "lonjakan"}
    assert lazy.evaluations < step.evaluations / 3
    assert tl.store.count(MentionFilter()) == 312
    tl.close()
