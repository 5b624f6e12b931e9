"""What a rule remembers between evaluations (a post's last engagement, a campaign's key).

Writes are held until the engine commits them in the same transaction as the rule's progress
and alerts, so a crash mid-evaluation forgets them together with everything else it did.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from monitor.statedb import StateDB

# Memories untouched for this long are dropped: a post from last month no longer goes viral.
FORGET_AFTER = timedelta(days=30)


class RuleMemory:
    def __init__(self, state: StateDB, rule: str):
        self.state = state
        self.rule = rule
        self._pending: dict[str, Any] = {}

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        wanted = list(dict.fromkeys(keys))
        found = {k: self._pending[k] for k in wanted if k in self._pending}
        missing = [k for k in wanted if k not in found]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.state.query(
                f"SELECT key, value FROM rule_memory WHERE rule = ? AND key IN ({marks})", (self.rule, *chunk)
            )
            found.update((key, json.loads(value)) for key, value in rows)
        return found

    def put(self, key: str, value: Any) -> None:
        self._pending[key] = value

    def flush(self, db: sqlite3.Connection, now: datetime) -> None:
        """Write what was put; call inside the engine's transaction."""
        db.executemany(
            "INSERT OR REPLACE INTO rule_memory VALUES (?,?,?,?)",
            [(self.rule, k, json.dumps(v), now.isoformat()) for k, v in self._pending.items()],
        )
        db.execute(
            "DELETE FROM rule_memory WHERE rule = ? AND updated_at < ?", (self.rule, (now - FORGET_AFTER).isoformat())
        )
        self._pending.clear()
