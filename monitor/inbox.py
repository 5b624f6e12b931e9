"""The durable inbox: a mention is on disk before its source's cursor moves.

Collectors' output and the new cursor are committed in ONE SQLite transaction, so a crash either
keeps both or neither (and the next run fetches the same items again). Downstream stages read
pending records and mark them done only after the store has them; a crash in between makes them
pending again, and the store's idempotent upsert by id means nothing is indexed twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from monitor.db import SqliteDB
from monitor.records import Mention, dumps

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox(status, received_at);
CREATE TABLE IF NOT EXISTS cursors (
    source TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS source_health (
    source TEXT PRIMARY KEY,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_new_at TEXT
);
"""


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    # When this source last delivered a mention we had not seen: what `silence` rules watch.
    last_new_at: datetime | None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Inbox:
    """SQLite (WAL) queue of collected mentions plus per-source cursors and health."""

    def __init__(self, path: Path | str, *, synchronous: Literal["FULL", "NORMAL"] = "FULL"):
        self.path = Path(path)
        self._store = SqliteDB(self.path, synchronous=synchronous)
        self._store.ensure(_SCHEMA)

    def close(self) -> None:
        self._store.close()

    # -- collect side --------------------------------------------------------------------------
    def commit(self, source: str, mentions: Iterable[Mention], cursor: dict[str, Any], now: datetime) -> int:
        """Store new or changed mentions and the new cursor atomically; return how many were new or changed."""
        changed = 0
        with self._store.transaction() as db:
            for mention in mentions:
                payload = dumps(mention.to_json())
                row = db.execute("SELECT payload FROM inbox WHERE id = ?", (mention.id,)).fetchone()
                if row is None:
                    db.execute(
                        "INSERT INTO inbox (id, source, payload, received_at) VALUES (?,?,?,?)",
                        (mention.id, source, payload, now.isoformat()),
                    )
                    changed += 1
                elif _content(row[0]) != _content(payload):
                    # Same post seen again with new numbers (engagement, edits): re-index it.
                    db.execute(
                        "UPDATE inbox SET payload = ?, status = 'pending', attempts = 0 WHERE id = ?",
                        (payload, mention.id),
                    )
                    changed += 1
            db.execute("INSERT OR REPLACE INTO cursors VALUES (?,?,?)", (source, dumps(cursor), now.isoformat()))
            self._record_success(db, source, now, new_items=changed > 0)
        return changed

    def cursor(self, source: str) -> dict[str, Any]:
        rows = self._store.query("SELECT cursor FROM cursors WHERE source = ?", (source,))
        return json.loads(rows[0][0]) if rows else {}

    @staticmethod
    def _record_success(db: sqlite3.Connection, source: str, now: datetime, *, new_items: bool) -> None:
        db.execute(
            "INSERT INTO source_health (source, last_success, consecutive_failures, last_new_at) VALUES (?,?,0,?)"
            " ON CONFLICT(source) DO UPDATE SET last_success = excluded.last_success, consecutive_failures = 0,"
            " last_new_at = COALESCE(excluded.last_new_at, source_health.last_new_at)",
            (source, now.isoformat(), now.isoformat() if new_items else None),
        )

    def record_failure(self, source: str, error: str, now: datetime) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO source_health (source, last_error, last_error_at, consecutive_failures) VALUES (?,?,?,1)"
                " ON CONFLICT(source) DO UPDATE SET last_error = excluded.last_error,"
                " last_error_at = excluded.last_error_at, consecutive_failures = consecutive_failures + 1",
                (source, error, now.isoformat()),
            )

    def health(self) -> list[SourceHealth]:
        rows = self._store.query("SELECT * FROM source_health ORDER BY source")
        return [SourceHealth(r[0], _dt(r[1]), r[2], _dt(r[3]), int(r[4]), _dt(r[5])) for r in rows]

    # -- processing side -----------------------------------------------------------------------
    def pending(self, limit: int = 500) -> list[Mention]:
        rows = self._store.query(
            "SELECT payload FROM inbox WHERE status = 'pending' ORDER BY received_at, id LIMIT ?", (limit,)
        )
        return [Mention.from_json(json.loads(r[0])) for r in rows]

    def mark_done(self, ids: Sequence[str]) -> None:
        with self._store.transaction() as db:
            db.executemany("UPDATE inbox SET status = 'done', last_error = NULL WHERE id = ?", [(i,) for i in ids])

    def mark_failed(self, failures: dict[str, str]) -> None:
        """Keep them pending for the next run, remembering why they failed."""
        with self._store.transaction() as db:
            db.executemany(
                "UPDATE inbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(reason, mention_id) for mention_id, reason in failures.items()],
            )

    def counts(self) -> dict[str, int]:
        rows = self._store.query("SELECT status, COUNT(*) FROM inbox GROUP BY status")
        return {status: int(n) for status, n in rows}


def _content(payload: str) -> dict[str, Any]:
    """A payload without collected_at, which changes on every fetch and means nothing new."""
    data: dict[str, Any] = json.loads(payload)
    data.pop("collected_at", None)
    return data
