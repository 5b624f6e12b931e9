"""The one SQLite wrapper: WAL, nestable transactions, threads, chunked `IN` queries.

Every module that keeps state owns its tables and SQL and declares them with `ensure`. The
monitor's own state (incidents, silences, rule progress, outbox, threads, fingerprints) shares
one file, `StateDB`, so that opening an incident and queueing its alert happen in one
transaction: a crash between the two can neither lose the alert nor send it twice.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

Row = tuple[Any, ...]
# (table, column, declaration): columns added after a table's first release.
Migration = tuple[str, str, str]
# SQLite's default limit on host parameters is 999 in old builds; stay well under it.
IN_CHUNK = 500


class SqliteDB:
    """One SQLite file shared by threads, with nestable transactions."""

    def __init__(self, path: Path | str, *, synchronous: Literal["FULL", "NORMAL", "OFF"] = "FULL"):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL (the default): what is committed must survive a power cut, not just a crash;
        # OFF only for files thrown away after the run.
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self._depth = 0
        self._ensured: set[str] = set()

    def ensure(self, schema: str, migrations: Sequence[Migration] = ()) -> None:
        """Create the caller's tables if missing and add columns newer versions introduced, so
        a file from an older version keeps its data. Idempotent; cheap after the first call."""
        if schema in self._ensured:
            return
        with self.lock:
            self.db.executescript(schema)
            for table, column, declaration in migrations:
                present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            self._ensured.add(schema)

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

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.lock:
            return self.db.execute(sql, tuple(params)).fetchall()

    def query_in(self, sql: str, params: Sequence[Any], values: Sequence[Any]) -> list[Row]:
        """`sql` with one `{marks}` placeholder for an IN list, run in chunks over `values`."""
        rows: list[Row] = []
        for start in range(0, len(values), IN_CHUNK):
            chunk = list(values[start : start + IN_CHUNK])
            rows += self.query(sql.format(marks=",".join("?" * len(chunk))), (*params, *chunk))
        return rows

    def close(self) -> None:
        with self.lock:
            self.db.close()


class StateDB(SqliteDB):
    """The monitor's own state file (`state.sqlite3` in the data folder)."""
