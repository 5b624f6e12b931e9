"""Silences: "do not deliver alerts of X until T", kept in the state database.

A silenced alert still updates its incident and is written to the incident log with the reason;
it is only not queued for the alerters. Patterns (shell-style wildcards, case-insensitive):

    keluhan-bansos            one rule
    keluhan-*                 every rule whose name starts with "keluhan-"
    lonjakan-sumber:detik*    one rule, only the groups (sources here) starting with "detik"
    watchlist:bansos          every rule that filters on the "bansos" watchlist
    *                         everything (maintenance)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase

from monitor.db import Row, StateDB

WATCHLIST_PREFIX = "watchlist:"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS silences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pattern TEXT NOT NULL,
    until TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    removed_at TEXT
);
"""


@dataclass(frozen=True)
class Silence:
    id: int
    pattern: str
    until: datetime
    reason: str
    created_by: str
    created_at: datetime
    removed_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.removed_at is None and now < self.until

    def matches(self, rule: str, group_key: str, watchlists: tuple[str, ...]) -> bool:
        pattern = self.pattern.lower()
        if pattern.startswith(WATCHLIST_PREFIX):
            wanted = pattern.removeprefix(WATCHLIST_PREFIX)
            return any(fnmatchcase(w.lower(), wanted) for w in watchlists)
        rule_part, _, group_part = pattern.partition(":")
        if not fnmatchcase(rule.lower(), rule_part):
            return False
        return not group_part or fnmatchcase(group_key.lower(), group_part)


def _silence(row: Row) -> Silence:
    id_, pattern, until, reason, by, created, removed = row
    return Silence(
        int(id_),
        pattern,
        datetime.fromisoformat(until),
        reason,
        by,
        datetime.fromisoformat(created),
        datetime.fromisoformat(removed) if removed else None,
    )


_COLUMNS = "id, pattern, until, reason, created_by, created_at, removed_at"


class SilenceBook:
    def __init__(self, state: StateDB):
        self.state = state
        state.ensure(_SCHEMA)

    def add(self, pattern: str, until: datetime, reason: str, *, now: datetime, created_by: str = "") -> Silence:
        pattern = pattern.strip()
        if not pattern:
            raise ValueError("pola silence tidak boleh kosong")
        if not reason.strip():
            raise ValueError("alasan silence wajib diisi, supaya tim tahu kenapa peringatan ditahan")
        if until <= now:
            raise ValueError("waktu akhir silence sudah lewat")
        with self.state.transaction() as db:
            cursor = db.execute(
                "INSERT INTO silences (pattern, until, reason, created_by, created_at) VALUES (?,?,?,?,?)",
                (pattern, until.isoformat(), reason.strip(), created_by, now.isoformat()),
            )
            new_id = int(cursor.lastrowid or 0)
        return Silence(new_id, pattern, until, reason.strip(), created_by, now)

    def remove(self, silence_id: int, *, now: datetime) -> bool:
        """End a silence now; False when there is no such active silence."""
        with self.state.transaction() as db:
            cursor = db.execute(
                "UPDATE silences SET removed_at = ? WHERE id = ? AND removed_at IS NULL AND until > ?",
                (now.isoformat(), silence_id, now.isoformat()),
            )
            return cursor.rowcount > 0

    def list(self, now: datetime, *, include_ended: bool = False) -> list[Silence]:
        rows = self.state.query(f"SELECT {_COLUMNS} FROM silences ORDER BY id")
        silences = [_silence(r) for r in rows]
        return silences if include_ended else [s for s in silences if s.active(now)]

    def matching(self, rule: str, group_key: str, watchlists: tuple[str, ...], now: datetime) -> Silence | None:
        for silence in self.list(now):
            if silence.matches(rule, group_key, watchlists):
                return silence
        return None
