"""The incident book and silences on a real state database, including reopening it."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from timeline import at, rule

from monitor.db import StateDB
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.incidents.silences import SilenceBook
from monitor.incidents.views import format_incidents, format_silences
from monitor.values import Severity

COUNTING = rule(name="keluhan", type="threshold", threshold=3, cooldown="30m", resolve_after="1h", severity="info")
ANY = rule(name="hoaks", type="any", cooldown="30m")


@pytest.fixture
def state(tmp_path: Path):
    db = StateDB(tmp_path / "state.sqlite3")
    yield db
    db.close()


def test_open_update_cooldown_escalate_resolve(state):
    book = IncidentBook(state)
    row, event = book.apply(COUNTING, "", 3, at(0), "Keluhan bansos")
    assert event == "opened" and row.incident.severity == Severity.INFO and not row.announced
    assert book.apply(COUNTING, "", 3, at(5), "x")[1] is None  # same numbers
    assert book.apply(COUNTING, "", 4, at(10), "x")[1] is None  # more, but inside the cooldown
    row, event = book.apply(COUNTING, "", 5, at(31), "x")
    assert event == "updated" and row.incident.count == 5
    row, event = book.apply(COUNTING, "", 10, at(33), "x")  # twice the last reported: escalate
    assert event == "escalated" and row.incident.severity == Severity.WARNING
    row, event = book.apply(COUNTING, "", 20, at(34), "x")
    assert event == "escalated" and row.incident.severity == Severity.CRITICAL
    assert book.apply(COUNTING, "", 80, at(35), "x")[1] is None  # critical is the top; cooldown holds
    assert book.resolve_quiet(COUNTING, at(35 + 59)) == []
    [done] = book.resolve_quiet(COUNTING, at(35 + 60))
    assert done.incident.status == "resolved" and done.incident.updated_at == at(35)
    # A new firing after resolution is a new incident.
    row, event = book.apply(COUNTING, "", 3, at(200), "x")
    assert event == "opened" and row.incident.id != done.incident.id
    assert len(book.all()) == 2 and len(book.all(status="open")) == 1


def test_any_rules_add_up_and_update_without_cooldown(state):
    book = IncidentBook(state)
    book.apply(ANY, "", 2, at(0), "Hoaks")
    row, event = book.apply(ANY, "", 1, at(1), "Hoaks")
    assert event == "updated" and row.incident.count == 3


def test_groups_are_separate_incidents(state):
    book = IncidentBook(state)
    assert book.apply(COUNTING, "detik", 3, at(0), "a")[1] == "opened"
    assert book.apply(COUNTING, "kompas", 3, at(0), "b")[1] == "opened"
    assert {r.incident.group_key for r in book.rows(status="open")} == {"detik", "kompas"}


def test_state_survives_reopening(tmp_path: Path):
    path = tmp_path / "state.sqlite3"
    first = StateDB(path)
    row, _ = IncidentBook(first).apply(COUNTING, "", 3, at(0), "Keluhan")
    IncidentBook(first).acknowledge(row.incident.id, now=at(1), by="dina")
    SilenceBook(first).add("keluhan", at(120), "libur nasional", now=at(0))
    first.close()
    again = StateDB(path)
    book = IncidentBook(again)
    [reopened] = book.rows()
    assert reopened.acked_by == "dina" and reopened.incident.count == 3
    assert book.apply(COUNTING, "", 5, at(40), "x")[1] is None  # still acknowledged, cooldown persisted too
    assert SilenceBook(again).matching("keluhan", "", (), at(60)) is not None
    assert [e.event for e in book.events(row.incident.id)] == ["acknowledged"]
    again.close()


def test_find_by_short_id_and_ack_rules(state):
    book = IncidentBook(state)
    row, _ = book.apply(COUNTING, "", 3, at(0), "Keluhan")
    assert book.find(row.incident.id[:6]).incident.id == row.incident.id
    with pytest.raises(KeyError, match="tidak ditemukan"):
        book.find("zzz")
    with pytest.raises(KeyError, match="tidak ditemukan"):
        book.find("%")  # LIKE wildcards are literal
    book.resolve_quiet(COUNTING, at(120))
    with pytest.raises(ValueError, match="sudah selesai"):
        book.acknowledge(row.incident.id, now=at(121))


@pytest.mark.parametrize(
    ("pattern", "rule_name", "group", "watchlists", "expected"),
    [
        ("keluhan-bansos", "keluhan-bansos", "", (), True),
        ("KELUHAN-*", "keluhan-bansos", "detik", (), True),
        ("keluhan-*", "hoaks-menteri", "", (), False),
        ("lonjakan:detik*", "lonjakan", "detikcom", (), True),
        ("lonjakan:detik*", "lonjakan", "kompas", (), False),
        ("watchlist:bansos", "apa-saja", "", ("agensi", "bansos"), True),
        ("watchlist:bansos", "apa-saja", "", ("agensi",), False),
        ("*", "apa-saja", "x", (), True),
    ],
)
def test_silence_patterns(state, pattern, rule_name, group, watchlists, expected):
    silences = SilenceBook(state)
    silences.add(pattern, at(60), "uji", now=at(0))
    assert (silences.matching(rule_name, group, watchlists, at(30)) is not None) == expected


def test_silences_expire_and_can_be_removed(state):
    silences = SilenceBook(state)
    first = silences.add("keluhan", at(60), "rapat", now=at(0), created_by="dina")
    second = silences.add("hoaks", at(600), "klarifikasi sudah terbit", now=at(0))
    assert [s.id for s in silences.list(at(30))] == [first.id, second.id]
    assert [s.id for s in silences.list(at(61))] == [second.id]
    assert silences.remove(second.id, now=at(62))
    assert not silences.remove(second.id, now=at(63))
    assert silences.list(at(64)) == [] and len(silences.list(at(64), include_ended=True)) == 2
    with pytest.raises(ValueError, match="kosong"):
        silences.add("  ", at(10), "rapat", now=at(0))
    with pytest.raises(ValueError, match="alasan"):
        silences.add("keluhan", at(10), " ", now=at(0))
    with pytest.raises(ValueError, match="sudah lewat"):
        silences.add("x", at(0) - timedelta(minutes=1), "telat", now=at(0))


def test_state_file_of_the_first_release_is_migrated(tmp_path: Path):
    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE incidents (id TEXT PRIMARY KEY, rule TEXT NOT NULL, group_key TEXT NOT NULL, severity TEXT NOT NULL,"
        " status TEXT NOT NULL, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_alert_at TEXT NOT NULL,"
        " count INTEGER NOT NULL, title TEXT NOT NULL, resolved_at TEXT)"
    )
    old.execute(
        "INSERT INTO incidents VALUES ('lama1', 'keluhan', '', 'info', 'open', ?, ?, ?, 3, 'Keluhan', NULL)",
        (at(0).isoformat(),) * 3,
    )
    old.commit()
    old.close()
    state = StateDB(path)
    book = IncidentBook(state)
    [row] = book.rows()
    assert row.incident.id == "lama1" and row.announced and row.acked_at is None
    assert book.apply(COUNTING, "", 10, at(5), "x")[1] == "escalated"
    state.close()


def test_listings_for_the_command_line(state):
    book = IncidentBook(state)
    row, _ = book.apply(COUNTING, "", 3, at(0), "Keluhan bansos")
    book.acknowledge(row.incident.id, now=at(5), by="dina")
    say = Messages("id", "Asia/Jakarta")
    text = format_incidents(book.rows(), say)
    assert text.startswith(row.incident.id[:8]) and "[INFO] Keluhan bansos" in text
    assert f"di-ack dina {say.time(at(5))}" in text
    silences = SilenceBook(state)
    silences.add("keluhan", at(60), "rapat", now=at(0), created_by="dina")
    assert format_silences(silences.list(at(1)), now=at(1), say=say) == (
        f"#1  keluhan  sampai {say.time(at(60))} (aktif) oleh dina: rapat"
    )
    assert format_silences(silences.list(at(61)), now=at(61), say=say) == "Tidak ada silence aktif."
