"""The durable outbox: every alert is queued per alerter and retried until that alerter has it.

Each alerter has its own row per alert, so a working log alerter never marks a failed Slack
delivery as sent. Alerts of one incident go out in order: a later update waits while an
earlier one for the same alerter is still pending, so a thread never starts with an update.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.alerters.base import Alerter
from monitor.errors import AlertDeliveryError
from monitor.records import Alert, dumps
from monitor.statedb import StateDB

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=30)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


class Outbox:
    def __init__(self, state: StateDB):
        self.state = state

    def enqueue(self, alert: Alert) -> None:
        """Queue an alert for each of its alerters; joins the caller's transaction if any."""
        with self.state.transaction() as db:
            for alerter in alert.alerters:
                db.execute(
                    "INSERT OR IGNORE INTO outbox (alert_id, alerter, incident_id, payload, next_attempt_at)"
                    " VALUES (?,?,?,?,?)",
                    (alert.id, alerter, alert.incident_id, dumps(alert.to_json()), alert.fired_at.isoformat()),
                )

    def pending(self) -> list[tuple[int, str, Alert, int, datetime]]:
        rows = self.state.query(
            "SELECT seq, alerter, payload, attempts, next_attempt_at FROM outbox WHERE status = 'pending' ORDER BY seq"
        )
        return [(seq, a, Alert.from_json(json.loads(p)), n, datetime.fromisoformat(t)) for seq, a, p, n, t in rows]

    def counts(self) -> dict[str, int]:
        return dict(self.state.query("SELECT status, COUNT(*) FROM outbox GROUP BY status"))

    def thread(self, incident_id: str | None, alerter: str) -> dict[str, str] | None:
        if not incident_id:
            return None
        rows = self.state.query("SELECT ref FROM threads WHERE incident_id = ? AND alerter = ?", (incident_id, alerter))
        return json.loads(rows[0][0]) if rows else None

    def deliver(self, alerters: Mapping[str, Alerter], now: datetime) -> DeliveryReport:
        report = DeliveryReport()
        blocked: set[tuple[str | None, str]] = set()
        for seq, name, alert, attempts, due in self.pending():
            key = (alert.incident_id, name)
            if key in blocked or due > now:
                report.waiting += 1
                if alert.incident_id:
                    blocked.add(key)
                continue
            alerter = alerters.get(name)
            if alerter is None:
                self._fail(seq, attempts, now, f"alerter '{name}' tidak dikonfigurasi", permanent=True)
                report.failed += 1
                report.errors.append(f"alerter '{name}' tidak dikonfigurasi; peringatan {alert.id} ditahan")
                continue
            try:
                ref = alerter.deliver(alert, self.thread(alert.incident_id, name))
            except AlertDeliveryError as exc:
                permanent = getattr(exc, "permanent", False)
                self._fail(seq, attempts, now, str(exc), permanent=permanent, retry_after=exc.retry_after)
                report.failed += 1
                report.errors.append(str(exc))
                if alert.incident_id:
                    blocked.add(key)
                continue
            with self.state.transaction() as db:
                db.execute(
                    "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL"
                    " WHERE seq = ?",
                    (now.isoformat(), seq),
                )
                if ref and alert.incident_id and self.thread(alert.incident_id, name) is None:
                    db.execute("INSERT OR REPLACE INTO threads VALUES (?,?,?)", (alert.incident_id, name, dumps(ref)))
            report.sent += 1
        return report

    def _fail(
        self, seq: int, attempts: int, now: datetime, error: str, *, permanent: bool, retry_after: float | None = None
    ) -> None:
        # Exponential backoff from 30 s up to 30 min; a server's Retry-After wins when longer.
        delay = min(timedelta(seconds=30 * 2**attempts), MAX_BACKOFF)
        if retry_after:
            delay = max(delay, timedelta(seconds=retry_after))
        status = "failed" if permanent else "pending"
        log.error("pengiriman peringatan gagal (%s): %s", "permanen" if permanent else "akan dicoba lagi", error)
        with self.state.transaction() as db:
            db.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
                " WHERE seq = ?",
                (status, error, (now + delay).isoformat(), seq),
            )
