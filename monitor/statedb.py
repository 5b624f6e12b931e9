"""The monitor's own state (incidents, silences, rule progress, outbox, fingerprints) in one SQLite file.

One file so that opening an incident and queueing its alert happen in one transaction: a crash
between the two can neither lose the alert nor send it twice.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    group_key TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_alert_at TEXT NOT NULL,
    count INTEGER NOT NULL,
    title TEXT NOT NULL,
    resolved_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_open ON incidents(rule, group_key) WHERE status = 'open';
CREATE TABLE IF NOT EXISTS rule_runs (rule TEXT PRIMARY KEY, evaluated_until TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rule_seen (rule TEXT NOT NULL, mention_id TEXT NOT NULL, PRIMARY KEY (rule, mention_id));
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id TEXT NOT NULL,
    alerter TEXT NOT NULL,
    incident_id TEXT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT,
    UNIQUE (alert_id, alerter)
);
CREATE TABLE IF NOT EXISTS threads (
    incident_id TEXT NOT NULL, alerter TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (incident_id, alerter)
);
CREATE TABLE IF NOT EXISTS fingerprints (fingerprint TEXT PRIMARY KEY, mention_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS incident_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    severity TEXT NOT NULL,
    count INTEGER NOT NULL,
    summary TEXT NOT NULL,
    alert_id TEXT,
    -- Why the alert was not delivered (a silence, an acknowledgement); NULL when it was queued.
    suppressed TEXT
);
CREATE INDEX IF NOT EXISTS incident_events_incident ON incident_events(incident_id, seq);
CREATE TABLE IF NOT EXISTS silences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pattern TEXT NOT NULL,
    until TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE TABLE IF NOT EXISTS rule_memory (
    rule TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (rule, key)
);
"""

# Columns added after the first release: (table, column, declaration). Added on open when missing,
# so a state file from an older version keeps its incidents, cooldowns and outbox.
_MIGRATIONS = (
    ("incidents", "acked_at", "TEXT"),
    ("incidents", "acked_by", "TEXT"),
    ("incidents", "ack_note", "TEXT"),
    # Whether any alert of the incident was delivered (not silenced): the first one that is
    # becomes the thread's header.
    ("incidents", "announced", "INTEGER NOT NULL DEFAULT 1"),
)


class SqliteDB:
    """One SQLite file (WAL, synchronous=FULL) shared by threads, with nestable transactions."""

    def __init__(self, path: Path | str, schema: str, migrations: tuple[tuple[str, str, str], ...] = ()):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: what is committed here must survive a power cut, not just a crash.
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(schema)
        for table, column, declaration in migrations:
            present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Nested uses join the outer transaction; only the outermost commits."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self.db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.db
            except BaseException:
                self._depth -= 1
                if outer:
                    self.db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.db.execute("COMMIT")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self.lock:
            self.db.close()


class StateDB(SqliteDB):
    def __init__(self, path: Path | str):
        super().__init__(path, _SCHEMA, _MIGRATIONS)
