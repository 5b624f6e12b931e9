"""The engine around the rule types: gaps, crashes, active hours, silences, acknowledgements."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from timeline import Timeline, at, enriched, rule

from monitor.delivery.outbox import Outbox
from monitor.incidents.silences import SilenceBook
from monitor.rules.engine import RuleEngine, in_active_hours

NEG = "negative"


@pytest.fixture
def timeline(tmp_path: Path):
    made: list[Timeline] = []

    def build(*rules, **kwargs) -> Timeline:
        made.append(Timeline(tmp_path, list(rules), **kwargs))
        return made[-1]

    yield build
    for tl in made:
        tl.close()


def complaints(n: int, minutes: float, *, prefix: str = "bansos blm cair, kecewa") -> list:
    return [enriched(f"{prefix} {minutes} #{i}", minutes=minutes, sentiment=NEG, author=f"warga{i}") for i in range(n)]


def test_same_moment_twice_sends_nothing_new(timeline):
    tl = timeline(rule(name="keluhan", type="threshold", threshold=3, sentiment=[NEG]))
    tl.add(*complaints(3, -10))
    assert len(tl.run(5)) == 1
    tl.restart()
    assert tl.evaluate().alerts == []
    assert tl.events() == ["opened"]


def test_a_long_outage_is_walked_without_holes(timeline):
    tl = timeline(
        rule(name="keluhan", type="threshold", window="30m", threshold=3, sentiment=[NEG], resolve_after="2h")
    )
    tl.run(5)
    tl.down_for(3 * 24 * 60)  # three days: more windows than the engine walks at 5-minute steps
    burst = 36 * 60 + 7  # a burst in the middle of the outage
    tl.add(*complaints(4, burst))
    alerts = tl.run(5)
    assert [a.event for a in alerts] == ["opened", "resolved"]
    assert at(burst) < alerts[0].fired_at <= at(burst + 30)


class BrokenOutbox(Outbox):
    """An outbox whose disk fails once, in the middle of the engine's transaction."""

    failures = 1

    def enqueue(self, alert):
        super().enqueue(alert)
        if BrokenOutbox.failures:
            BrokenOutbox.failures -= 1
            raise OSError("disk penuh")


def test_a_crash_between_incident_and_outbox_loses_nothing_and_sends_once(timeline):
    tl = timeline(rule(name="keluhan", type="threshold", threshold=3, sentiment=[NEG]))
    tl.add(*complaints(3, -10))
    tl.engine = RuleEngine(tl.config, tl.store, tl.state, BrokenOutbox(tl.state), health=tl.inbox.health)
    tl.clock.advance(timedelta(minutes=5))
    report = tl.engine.evaluate(tl.clock.now())
    assert report.errors and "disk penuh" in report.errors[0]
    # Rolled back together: no incident, no queued alert, no progress.
    assert tl.incidents() == [] and tl.queued() == []
    assert tl.state.query("SELECT * FROM rule_runs") == []
    tl.restart()
    tl.run(10)
    assert tl.events() == ["opened"]


def test_active_hours_hold_the_night_and_report_in_the_morning(timeline):
    tl = timeline(
        rule(name="keluhan", type="threshold", window="8h", threshold=3, sentiment=[NEG], active_hours="06:00-22:00")
    )
    tl.clock.set(at(14 * 60))  # 22:00 WIB
    tl.run(5)
    tl.add(*complaints(3, 15 * 60))  # 23:00 WIB
    night = tl.run(7 * 60 + 50)  # until 05:55 WIB
    assert night == []
    morning = tl.run(10)
    assert [a.event for a in morning] == ["opened"]
    assert morning[0].fired_at == at(22 * 60)  # 06:00 WIB


def test_active_hours_across_midnight():
    night_shift = rule(name="malam", type="any", active_hours="22:00-06:00")
    assert in_active_hours(night_shift, at(15 * 60), "Asia/Jakarta")  # 23:00 WIB
    assert not in_active_hours(night_shift, at(2 * 60), "Asia/Jakarta")  # 10:00 WIB
    # The same moment is 00:00 WITA: still night in Makassar.
    assert in_active_hours(night_shift, at(15 * 60), "Asia/Makassar")


def test_silenced_alerts_are_logged_not_sent_and_the_first_sent_one_opens_the_thread(timeline):
    tl = timeline(
        rule(
            name="keluhan",
            type="threshold",
            window="1h",
            threshold=3,
            sentiment=[NEG],
            cooldown="10m",
            watchlists=["bansos"],
        )
    )
    silences = SilenceBook(tl.state)
    silence = silences.add(
        "watchlist:BANSOS", at(30), "rapat koordinasi, sudah ditangani", now=at(0), created_by="dina"
    )
    tl.add(*complaints(3, -5))
    assert tl.run(20) == []
    tl.add(*complaints(2, 12, prefix="pkh dipotong"))
    assert tl.run(5) == []
    incident = tl.incidents()[0]
    log = tl.book.events(incident.incident.id)
    assert [(e.event, e.suppressed is not None) for e in log] == [("opened", True), ("updated", True)]
    assert f"dibungkam #{silence.id}" in log[0].suppressed and "rapat koordinasi" in log[0].suppressed
    # The silence ends; the incident grows: the team's first message is the thread's header.
    tl.add(*complaints(1, 33, prefix="antre dari subuh"))
    sent = tl.run(10)
    assert [(a.event, a.count) for a in sent] == [("opened", 6)]
    assert tl.events() == ["opened"]


def test_a_silenced_incident_resolves_quietly(timeline):
    tl = timeline(rule(name="keluhan", type="threshold", threshold=3, sentiment=[NEG], resolve_after="30m"))
    SilenceBook(tl.state).add("keluhan:*", at(24 * 60), "uji coba", now=at(0))
    tl.add(*complaints(3, -5))
    tl.run(180)
    assert tl.queued() == []
    assert [e.event for e in tl.book.events(tl.incidents()[0].incident.id)] == ["opened", "resolved"]


def test_acknowledged_incident_gets_no_updates_until_it_escalates(timeline):
    tl = timeline(rule(name="keluhan", type="threshold", window="2h", threshold=4, sentiment=[NEG], cooldown="5m"))
    tl.add(*complaints(4, -5))
    tl.run(5)
    acked = tl.book.acknowledge(
        tl.incidents()[0].incident.id[:6], now=tl.clock.now(), by="dina", note="tim lapangan OTW"
    )
    assert acked.acked_by == "dina"
    tl.add(*complaints(3, 10, prefix="bansos telat"))  # 7: more, but not twice as many
    assert tl.run(20) == []
    tl.restart()  # the acknowledgement persists
    tl.add(*complaints(2, 28, prefix="pkh ga cair"))  # 9 >= 2 x 4: escalation gets through
    assert [(a.event, a.count) for a in tl.run(5)] == [("escalated", 9)]
    assert tl.incidents()[0].acked_at is None  # the escalation needs a new acknowledgement
    tl.add(*complaints(1, 36, prefix="sembako kurang"))
    assert [a.event for a in tl.run(10)] == ["updated"]


def test_a_broken_rule_does_not_stop_the_others(timeline):
    tl = timeline(rule(name="a-sepi", type="silence"), rule(name="b-keluhan", type="threshold", threshold=1))
    tl.engine.health = None  # silence without collector health cannot be judged
    tl.add(enriched("bansos", minutes=-1))
    tl.clock.advance(timedelta(minutes=5))
    report = tl.engine.evaluate(tl.clock.now())
    assert [a.rule for a in report.alerts] == ["b-keluhan"]
    assert "a-sepi" in report.errors[0] and "kesehatan kolektor" in report.errors[0]


def test_an_incident_remembers_the_mentions_it_was_made_of_even_between_alerts(timeline):
    tl = timeline(rule(name="keluhan", type="threshold", threshold=3, sentiment=[NEG], cooldown="2h"))
    first = complaints(3, -10)
    tl.add(*first, enriched("info jadwal bansos minggu depan", minutes=-5, sentiment="neutral"))
    tl.run(5)
    # Within the cooldown the incident is updated without an alert; its new mentions still count.
    later = complaints(2, 12, prefix="udh antri dr subuh, bansos gk cair jg")
    tl.add(*later)
    tl.run(10)
    assert tl.events() == ["opened"]
    (incident,) = tl.incidents()
    assert tl.book.mention_ids(incident.incident.id) == sorted(m.id for m in first + later)


def test_a_rule_that_looks_at_each_mention_links_exactly_those(timeline):
    tl = timeline(rule(name="hoaks", type="any", flags=["hoaks"]))
    hoax = enriched("katanya bansos dihentikan tahun depan, sebarkan!!", minutes=-3, flags=["hoaks"])
    tl.add(hoax, enriched("bansos tahap 2 cair hari ini", minutes=-2))
    tl.run(5)
    (incident,) = tl.incidents()
    assert tl.book.mention_ids(incident.incident.id) == [hoax.id]
