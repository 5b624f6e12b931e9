"""The durable inbox: a mention is on disk before its source's cursor moves.

Collectors' output and the new cursor are committed in ONE SQLite transaction, so a crash either
keeps both or neither (and the next run fetches the same items again). Downstream stages read
pending records and mark them done only after the store has them; a crash in between makes them
pending again, and the store's idempotent upsert by id means nothing is indexed twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from monitor.db import IN_CHUNK, Row, SqliteDB
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
-- The pending rows in the order they are processed: a page is read straight off the index
-- (with `received_at` alone, every row of a collection's commit was read and sorted by id for
-- each page taken from it).
CREATE INDEX IF NOT EXISTS inbox_pending_order ON inbox(status, received_at, id);
DROP INDEX IF EXISTS inbox_pending;
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
# Columns added for polite polling (each source's own pace, backoff and switch-off).
_MIGRATIONS = (
    ("source_health", "last_warning", "TEXT"),
    ("source_health", "retry_at", "TEXT"),
    ("source_health", "interval_s", "REAL"),
    ("source_health", "disabled", "INTEGER NOT NULL DEFAULT 0"),
)


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    # When this source last delivered a mention we had not seen: what `silence` rules watch.
    last_new_at: datetime | None
    # What the last run said about the source as a whole (a cut feed, paging stopped early).
    last_warning: str | None = None
    # Not to be collected before this (backoff after failures, a server's Retry-After).
    retry_at: datetime | None = None
    # The source's current polling interval in seconds, when it adapts (None: as configured).
    interval_s: float | None = None
    # Switched off after too many failures in a row, until `monitor sources enable`.
    disabled: bool = False


@dataclass(frozen=True)
class CommitResult:
    """What one collection changed in the inbox."""

    # Items never seen before: what "N baru" counts.
    new: int = 0
    # Items seen before from this source with new content (engagement, an edit).
    updated: int = 0
    # Items another source carried first, now also recorded as seen here.
    also_seen: int = 0

    @property
    def changed(self) -> int:
        return self.new + self.updated + self.also_seen


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Inbox:
    """SQLite (WAL) queue of collected mentions plus per-source cursors and health."""

    def __init__(self, path: Path | str, *, synchronous: Literal["FULL", "NORMAL"] = "FULL"):
        self.path = Path(path)
        self._store = SqliteDB(self.path, synchronous=synchronous)
        self._store.ensure(_SCHEMA, _MIGRATIONS)

    def close(self) -> None:
        self._store.close()

    # -- collect side --------------------------------------------------------------------------
    def commit(
        self,
        source: str,
        mentions: Iterable[Mention],
        cursor: dict[str, Any],
        now: datetime,
        *,
        warning: str | None = None,
        retry_at: datetime | None = None,
        pace: Callable[[bool, float | None], float] | None = None,
    ) -> CommitResult:
        """Store new or changed mentions and the new cursor atomically.

        An item another source carried first keeps that source, its text and its place: this
        source is added to its `also_seen_in` (re-indexed once, not counted as new), so two
        sources with the same URL never flip the mention back and forth."""
        new = updated = also_seen = 0
        # Serialized before the transaction: the write lock is held only for SQLite's own work,
        # since every source collected at once commits through it.
        batch = {mention.id: (mention, dumps(mention.to_json())) for mention in mentions}
        with self._store.transaction() as db:
            known: dict[str, str] = {}
            ids = list(batch)
            for start in range(0, len(ids), IN_CHUNK):
                chunk = ids[start : start + IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                known.update(db.execute(f"SELECT id, payload FROM inbox WHERE id IN ({marks})", chunk).fetchall())
            inserts, updates = [], []
            for mention_id, (mention, payload) in batch.items():
                if mention_id not in known:
                    inserts.append((mention_id, source, payload, now.isoformat()))
                    continue
                old = Mention.from_json(json.loads(known[mention_id]))
                if old.source != mention.source:
                    if mention.source in old.also_seen_in:
                        continue
                    merged = replace(old, also_seen_in=tuple(sorted({*old.also_seen_in, mention.source})))
                    also_seen += 1
                else:
                    merged = replace(mention, also_seen_in=old.also_seen_in)
                    if _content(old) == _content(merged):
                        continue
                    updated += 1  # same post with new numbers (engagement, edits): re-index it
                updates.append((dumps(merged.to_json()), mention_id))
            new = len(inserts)
            db.executemany("INSERT INTO inbox (id, source, payload, received_at) VALUES (?,?,?,?)", inserts)
            db.executemany("UPDATE inbox SET payload = ?, status = 'pending', attempts = 0 WHERE id = ?", updates)
            db.execute("INSERT OR REPLACE INTO cursors VALUES (?,?,?)", (source, dumps(cursor), now.isoformat()))
            interval_s = None
            if pace is not None:
                row = db.execute("SELECT interval_s FROM source_health WHERE source = ?", (source,)).fetchone()
                interval_s = pace(new > 0, row[0] if row else None)
            self._record_success(
                db, source, now, new_items=new > 0, warning=warning, interval_s=interval_s, retry_at=retry_at
            )
        return CommitResult(new, updated, also_seen)

    def cursor(self, source: str) -> dict[str, Any]:
        rows = self._store.query("SELECT cursor FROM cursors WHERE source = ?", (source,))
        return json.loads(rows[0][0]) if rows else {}

    @staticmethod
    def _record_success(
        db: sqlite3.Connection,
        source: str,
        now: datetime,
        *,
        new_items: bool,
        warning: str | None,
        interval_s: float | None,
        retry_at: datetime | None,
    ) -> None:
        db.execute(
            "INSERT INTO source_health (source, last_success, consecutive_failures, last_new_at, last_warning,"
            " retry_at, interval_s) VALUES (?,?,0,?,?,?,?)"
            " ON CONFLICT(source) DO UPDATE SET last_success = excluded.last_success, consecutive_failures = 0,"
            " last_new_at = COALESCE(excluded.last_new_at, source_health.last_new_at),"
            " last_warning = excluded.last_warning, retry_at = excluded.retry_at,"
            " interval_s = COALESCE(excluded.interval_s, source_health.interval_s)",
            (
                source,
                now.isoformat(),
                now.isoformat() if new_items else None,
                warning,
                retry_at.isoformat() if retry_at else None,
                interval_s,
            ),
        )

    def record_failure(
        self,
        source: str,
        error: str,
        now: datetime,
        *,
        retry_at: datetime | None = None,
        disable_after: int | None = None,
    ) -> SourceHealth:
        """Count a failure; `retry_at`: not before then; at `disable_after` failures in a row
        the source is switched off. Returns the source's health after it."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO source_health (source, last_error, last_error_at, consecutive_failures, retry_at)"
                " VALUES (?,?,?,1,?)"
                " ON CONFLICT(source) DO UPDATE SET last_error = excluded.last_error,"
                " last_error_at = excluded.last_error_at, consecutive_failures = consecutive_failures + 1,"
                " retry_at = excluded.retry_at",
                (source, error, now.isoformat(), retry_at.isoformat() if retry_at else None),
            )
            if disable_after is not None:
                db.execute(
                    "UPDATE source_health SET disabled = 1 WHERE source = ? AND consecutive_failures >= ?",
                    (source, disable_after),
                )
        return self.source_health(source)

    def set_enabled(self, source: str, enabled: bool) -> bool:
        """Switch a source back on (failures forgotten) or off; False when it has no record."""
        with self._store.transaction() as db:
            changed = db.execute(
                "UPDATE source_health SET disabled = ?, consecutive_failures = CASE WHEN ? THEN 0"
                " ELSE consecutive_failures END, retry_at = NULL WHERE source = ?",
                (0 if enabled else 1, enabled, source),
            ).rowcount
        return changed > 0

    _COLUMNS = (
        "source, last_success, last_error, last_error_at, consecutive_failures, last_new_at,"
        " last_warning, retry_at, interval_s, disabled"
    )

    @staticmethod
    def _health(r: Row) -> SourceHealth:
        return SourceHealth(r[0], _dt(r[1]), r[2], _dt(r[3]), int(r[4]), _dt(r[5]), r[6], _dt(r[7]), r[8], bool(r[9]))

    def health(self) -> list[SourceHealth]:
        rows = self._store.query(f"SELECT {self._COLUMNS} FROM source_health ORDER BY source")
        return [self._health(r) for r in rows]

    def source_health(self, source: str) -> SourceHealth:
        rows = self._store.query(f"SELECT {self._COLUMNS} FROM source_health WHERE source = ?", (source,))
        return self._health(rows[0]) if rows else SourceHealth(source, None, None, None, 0, None)

    # -- processing side -----------------------------------------------------------------------
    def pending(self, limit: int = 500) -> list[Mention]:
        rows = self._store.query(
            "SELECT payload FROM inbox WHERE status = 'pending' ORDER BY received_at, id LIMIT ?", (limit,)
        )
        return [Mention.from_json(json.loads(r[0])) for r in rows]

    def pending_count(self) -> int:
        return int(self._store.query("SELECT COUNT(*) FROM inbox WHERE status = 'pending'")[0][0])

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


def _content(mention: Mention) -> dict[str, Any]:
    """A mention without collected_at, which changes on every fetch and means nothing new."""
    data = mention.to_json()
    data.pop("collected_at", None)
    return data
