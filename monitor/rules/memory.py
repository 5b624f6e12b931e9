"""What a rule remembers between evaluations (a post's last engagement, a campaign's key).

Values are typed: a rule type reads them back as the type it stored (a dataclass, a string, a
datetime). Writes are held until the engine commits them in the same transaction as the rule's
progress and alerts, so a crash mid-evaluation forgets them together with everything else it did.
The memory owns the `rule_memory` table of the state file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import TypeAdapter
from pydantic_core import to_json

from monitor.db import StateDB

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rule_memory (
    rule TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (rule, key)
);
"""
# Memories untouched for this long are dropped: a post from last month no longer goes viral.
FORGET_AFTER = timedelta(days=30)

T = TypeVar("T")


class RuleMemory:
    def __init__(self, state: StateDB, rule: str):
        self.state = state
        self.rule = rule
        self._pending: dict[str, Any] = {}
        state.ensure(_SCHEMA)

    def get_many(self, keys: Iterable[str], as_type: type[T]) -> dict[str, T]:
        """The remembered values of `keys` (those that have one), read back as `as_type`."""
        adapter = TypeAdapter(as_type)
        wanted = list(dict.fromkeys(keys))
        found: dict[str, T] = {k: self._pending[k] for k in wanted if k in self._pending}
        missing = [k for k in wanted if k not in found]
        rows = self.state.query_in(
            "SELECT key, value FROM rule_memory WHERE rule = ? AND key IN ({marks})", (self.rule,), missing
        )
        found.update((str(key), adapter.validate_json(value)) for key, value in rows)
        return found

    def put(self, key: str, value: Any) -> None:
        self._pending[key] = value

    @property
    def pending(self) -> bool:
        """Whether anything was put since the last flush."""
        return bool(self._pending)

    def flush(self, db: sqlite3.Connection, now: datetime) -> None:
        """Write what was put, and forget what went untouched too long (a rule that remembers
        nothing new has nothing to forget); call inside the engine's transaction."""
        if not self._pending:
            return
        db.executemany(
            "INSERT OR REPLACE INTO rule_memory VALUES (?,?,?,?)",
            [(self.rule, k, to_json(v).decode(), now.isoformat()) for k, v in self._pending.items()],
        )
        db.execute(
            "DELETE FROM rule_memory WHERE rule = ? AND updated_at < ?", (self.rule, (now - FORGET_AFTER).isoformat())
        )
        self._pending.clear()
