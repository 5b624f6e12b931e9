"""The durable outbox: every alert is queued per alerter and retried until that alerter has it.

Each alerter has its own row per alert, so a working log alerter never marks a failed Slack
delivery as sent. Alerts of one incident go out in order: a later update waits while an
earlier one for the same alerter is still pending, so a thread never starts with an update.
The outbox owns the `outbox` and `threads` tables of the state file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.db import StateDB
from monitor.delivery.alerter import Alerter
from monitor.errors import AlertDeliveryError
from monitor.records import Alert, ThreadRef, dumps

log = logging.getLogger(__name__)

_SCHEMA = """
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
"""

FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at MAX_BACKOFF; the exponent is capped before it is used,
    so a day-long outage never overflows the arithmetic."""
    doublings = min(max(attempts, 0), 16)
    return min(FIRST_BACKOFF * (1 << doublings), MAX_BACKOFF)


@dataclass(frozen=True)
class OutboxEntry:
    """One alert waiting for one alerter."""

    seq: int
    alerter: str
    alert: Alert
    attempts: int
    due: datetime


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


class Outbox:
    def __init__(self, state: StateDB):
        self.state = state
        state.ensure(_SCHEMA)

    def enqueue(self, alert: Alert) -> None:
        """Queue an alert for each of its alerters; joins the caller's transaction if any."""
        with self.state.transaction() as db:
            for alerter in alert.alerters:
                db.execute(
                    "INSERT OR IGNORE INTO outbox (alert_id, alerter, incident_id, payload, next_attempt_at)"
                    " VALUES (?,?,?,?,?)",
                    (alert.id, alerter, alert.incident_id, dumps(alert.to_json()), alert.fired_at.isoformat()),
                )

    def pending(self) -> list[OutboxEntry]:
        rows = self.state.query(
            "SELECT seq, alerter, payload, attempts, next_attempt_at FROM outbox WHERE status = 'pending' ORDER BY seq"
        )
        return [
            OutboxEntry(int(seq), str(name), Alert.from_json(json.loads(payload)), int(n), datetime.fromisoformat(due))
            for seq, name, payload, n, due in rows
        ]

    def counts(self) -> dict[str, int]:
        return {
            str(status): int(n) for status, n in self.state.query("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        }

    def thread(self, incident_id: str | None, alerter: str) -> ThreadRef | None:
        if not incident_id:
            return None
        rows = self.state.query("SELECT ref FROM threads WHERE incident_id = ? AND alerter = ?", (incident_id, alerter))
        return ThreadRef.from_json(json.loads(rows[0][0])) if rows else None

    def threads(self, incident_id: str) -> dict[str, ThreadRef]:
        """Every alerter's thread of an incident (the digest links to them)."""
        rows = self.state.query(
            "SELECT alerter, ref FROM threads WHERE incident_id = ? ORDER BY alerter", (incident_id,)
        )
        return {str(alerter): ThreadRef.from_json(json.loads(ref)) for alerter, ref in rows}

    def deliver(self, alerters: Mapping[str, Alerter], now: datetime) -> DeliveryReport:
        report = DeliveryReport()
        blocked: set[tuple[str | None, str]] = set()
        for entry in self.pending():
            alert = entry.alert
            key = (alert.incident_id, entry.alerter)
            if key in blocked or entry.due > now:
                report.waiting += 1
                if alert.incident_id:
                    blocked.add(key)
                continue
            alerter = alerters.get(entry.alerter)
            if alerter is None:
                error = AlertDeliveryError(entry.alerter, "tidak dikonfigurasi", permanent=True)
                self._fail(entry, now, error)
                report.failed += 1
                report.errors.append(f"alerter '{entry.alerter}' tidak dikonfigurasi; peringatan {alert.id} ditahan")
                continue
            try:
                ref = alerter.deliver(alert, self.thread(alert.incident_id, entry.alerter))
            except AlertDeliveryError as exc:
                self._fail(entry, now, exc)
                report.failed += 1
                report.errors.append(str(exc))
                if alert.incident_id:
                    blocked.add(key)
                continue
            with self.state.transaction() as db:
                db.execute(
                    "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL"
                    " WHERE seq = ?",
                    (now.isoformat(), entry.seq),
                )
                if ref and alert.incident_id and self.thread(alert.incident_id, entry.alerter) is None:
                    db.execute(
                        "INSERT OR REPLACE INTO threads VALUES (?,?,?)",
                        (alert.incident_id, entry.alerter, dumps(ref.to_json())),
                    )
            report.sent += 1
        return report

    def _fail(self, entry: OutboxEntry, now: datetime, error: AlertDeliveryError) -> None:
        # Exponential backoff; a server's Retry-After wins when longer.
        delay = backoff(entry.attempts)
        if error.retry_after:
            delay = max(delay, timedelta(seconds=error.retry_after))
        status = "failed" if error.permanent else "pending"
        log.error("pengiriman peringatan gagal (%s): %s", "permanen" if error.permanent else "akan dicoba lagi", error)
        with self.state.transaction() as db:
            db.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
                " WHERE seq = ?",
                (status, str(error), (now + delay).isoformat(), entry.seq),
            )
