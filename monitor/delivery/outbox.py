"""The durable outbox: every alert is queued per alerter and retried until that alerter has it.

Each alerter has its own row per alert, so a working log alerter never marks a failed Slack
delivery as sent. Each alerter's rows go out strictly in the order the alerts fired: while the
oldest one waits for a retry, the ones behind it wait too. So a thread never starts with an
update, and after a day-long Slack outage the backlog arrives in order, each alert once, marked
late; meanwhile one attempt per retry, not one per queued alert, goes to the dead destination.

An alert still undelivered `[delivery] overdue_after` after it fired is overdue: the heartbeat
alerters (`[delivery] heartbeat`) hear that this alerter is behind, and again when it has caught
up. An alerter that can group (`GroupingAlerter`) gets a run of new incidents that arrived faster
than it can post them one by one as one message (an alert storm), and the follow-ups of those
incidents as one reply.

The outbox owns the `outbox`, `threads` and `delivery_outages` tables of the state file.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from monitor.config import DeliveryConfig
from monitor.db import StateDB
from monitor.delivery.alerter import Alerter, GroupingAlerter, VerifyingAlerter
from monitor.errors import AlertDeliveryError
from monitor.i18n import Messages
from monitor.records import Alert, ThreadRef, dumps
from monitor.values import Severity

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
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(status, seq);
CREATE TABLE IF NOT EXISTS threads (
    incident_id TEXT NOT NULL, alerter TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (incident_id, alerter)
);
CREATE TABLE IF NOT EXISTS delivery_outages (
    alerter TEXT PRIMARY KEY, since TEXT NOT NULL, reported_at TEXT NOT NULL, last_error TEXT
);
"""
_MIGRATIONS = (
    # When the alert fired: how overdue a row is.
    ("outbox", "fired_at", "TEXT"),
    # 1 while an attempt may have reached the destination (under way, or no answer came): the
    # next attempt asks the alerter to look first.
    ("outbox", "in_flight", "INTEGER NOT NULL DEFAULT 0"),
)

FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
# The most alerts one grouped message carries; a bigger storm takes several.
MAX_GROUP = 500
# The `rule` of the outbox's own alerts (an alerter is behind, or caught up).
DELIVERY_RULE = "pengiriman"


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
    # An earlier attempt may have arrived.
    maybe_sent: bool = False


@dataclass
class DeliveryReport:
    # Deliveries (one alert to one alerter) that succeeded in this pass, per alerter.
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)
    per_alerter: dict[str, int] = field(default_factory=dict)

    def count(self, alerter: str, n: int = 1) -> None:
        self.sent += n
        self.per_alerter[alerter] = self.per_alerter.get(alerter, 0) + n


class Outbox:
    def __init__(self, state: StateDB, config: DeliveryConfig | None = None, say: Messages | None = None):
        self.state = state
        self.config = config or DeliveryConfig()
        self.say = say or Messages()
        self._next_due: datetime | None = None
        self._next_due_known = False
        state.ensure(_SCHEMA, _MIGRATIONS)

    def enqueue(self, alert: Alert) -> None:
        """Queue an alert for each of its alerters; joins the caller's transaction if any."""
        self._next_due_known = False
        with self.state.transaction() as db:
            for alerter in alert.alerters:
                db.execute(
                    "INSERT OR IGNORE INTO outbox (alert_id, alerter, incident_id, payload, next_attempt_at, fired_at)"
                    " VALUES (?,?,?,?,?,?)",
                    (
                        alert.id,
                        alerter,
                        alert.incident_id,
                        dumps(alert.to_json()),
                        alert.fired_at.isoformat(),
                        alert.fired_at.isoformat(),
                    ),
                )

    def pending(self) -> list[OutboxEntry]:
        rows = self.state.query(
            "SELECT seq, alerter, payload, attempts, next_attempt_at, in_flight FROM outbox"
            " WHERE status = 'pending' ORDER BY seq"
        )
        return [
            OutboxEntry(
                int(seq),
                str(name),
                Alert.from_json(json.loads(payload)),
                int(n),
                datetime.fromisoformat(due),
                bool(in_flight),
            )
            for seq, name, payload, n, due, in_flight in rows
        ]

    def next_due(self) -> datetime | None:
        """When the earliest pending row may be tried; None when nothing is pending. Remembered
        until this outbox writes again (a replay asks at every step)."""
        if not self._next_due_known:
            rows = self.state.query("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'")
            self._next_due = datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None
            self._next_due_known = True
        return self._next_due

    def counts(self) -> dict[str, int]:
        return {
            str(status): int(n) for status, n in self.state.query("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        }

    def failures(self) -> list[tuple[str, str, str]]:
        """(alerter, alert title, last error) of every row that is not delivered, oldest first."""
        rows = self.state.query(
            "SELECT alerter, payload, COALESCE(last_error, '') FROM outbox WHERE status != 'sent' ORDER BY seq"
        )
        return [(str(a), str(json.loads(p).get("title", "")), str(e)) for a, p, e in rows]

    def retried(self) -> int:
        """Deliveries that succeeded after at least one failed attempt."""
        rows = self.state.query("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts > 1")
        return int(rows[0][0])

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

    # -- delivering ------------------------------------------------------------------------

    def deliver(self, alerters: Mapping[str, Alerter], now: datetime) -> DeliveryReport:
        report = DeliveryReport()
        self._next_due_known = False
        queues: dict[str, list[OutboxEntry]] = {}
        for entry in self.pending():
            queues.setdefault(entry.alerter, []).append(entry)
        for name, queue in queues.items():
            alerter = alerters.get(name)
            if alerter is None:
                for entry in queue:
                    self._fail(entry, now, AlertDeliveryError(name, "tidak dikonfigurasi", permanent=True))
                    report.failed += 1
                report.errors.append(f"alerter '{name}' tidak dikonfigurasi; {len(queue)} peringatan ditahan")
                continue
            self._drain(alerter, queue, now, report)
        self._watch_outages(alerters, now)
        return report

    def _drain(self, alerter: Alerter, queue: list[OutboxEntry], now: datetime, report: DeliveryReport) -> None:
        """Deliver one alerter's rows in order until one must wait."""
        position = 0
        while position < len(queue):
            head = queue[position]
            if head.due > now:
                report.waiting += len(queue) - position
                return
            batch, thread = self._batch(alerter, queue, position, now)
            alerts = [self._marked(entry.alert, now) for entry in batch]
            maybe_sent = any(entry.maybe_sent for entry in batch)
            self._under_way(batch)
            try:
                if len(batch) > 1 and isinstance(alerter, GroupingAlerter):
                    ref: ThreadRef | None = alerter.deliver_group(alerts, thread, maybe_sent=maybe_sent)
                elif isinstance(alerter, VerifyingAlerter):
                    ref = alerter.deliver_once(alerts[0], thread, maybe_sent=maybe_sent)
                else:
                    ref = alerter.deliver(alerts[0], thread)
            except AlertDeliveryError as exc:
                report.errors.append(str(exc))
                if exc.permanent:
                    for entry in batch:
                        self._fail(entry, now, exc)
                    report.failed += len(batch)
                    position += len(batch)
                    continue
                for entry in batch:
                    self._fail(entry, now, exc, attempt=entry is batch[0])
                report.failed += 1
                report.waiting += len(queue) - position - 1
                return
            self._sent(batch, ref, now)
            report.count(alerter.name, len(batch))
            position += len(batch)

    def _batch(
        self, alerter: Alerter, queue: list[OutboxEntry], start: int, now: datetime
    ) -> tuple[list[OutboxEntry], ThreadRef | None]:
        """The rows that go out together from `start`, and the thread they go to.

        New incidents due together beyond what the alerter posts one by one form one message;
        follow-ups of incidents that share a grouped message form one reply there."""
        head = queue[start]
        thread = self.thread(head.alert.incident_id, head.alerter)
        if not isinstance(alerter, GroupingAlerter):
            return [head], thread
        run = [head]
        incidents = {head.alert.incident_id}
        for entry in queue[start + 1 : start + MAX_GROUP]:
            if entry.due > now or entry.alert.incident_id in incidents or not entry.alert.incident_id:
                break
            other = self.thread(entry.alert.incident_id, entry.alerter)
            if thread is None and (other is not None or entry.alert.event != "opened"):
                break
            if thread is not None and (not thread.shared or other != thread):
                break
            run.append(entry)
            incidents.add(entry.alert.incident_id)
        if thread is None and (head.alert.event != "opened" or len(run) <= alerter.group_threshold):
            return [head], thread
        if thread is not None and len(run) < 2:
            return [head], thread
        return run, thread

    def _marked(self, alert: Alert, now: datetime) -> Alert:
        """The alert as it goes out: marked late when it is overdue."""
        if now - alert.fired_at >= self.config.overdue_after:
            return replace(alert, delayed_until=now)
        return alert

    def _under_way(self, batch: list[OutboxEntry]) -> None:
        """Committed before the attempt: a crash during it leaves the rows marked."""
        with self.state.transaction() as db:
            db.executemany("UPDATE outbox SET in_flight = 1 WHERE seq = ?", [(entry.seq,) for entry in batch])

    def _sent(self, batch: list[OutboxEntry], ref: ThreadRef | None, now: datetime) -> None:
        with self.state.transaction() as db:
            db.executemany(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL"
                " WHERE seq = ?",
                [(now.isoformat(), entry.seq) for entry in batch],
            )
            if ref is None:
                return
            for entry in batch:
                incident = entry.alert.incident_id
                if incident and self.thread(incident, entry.alerter) is None:
                    db.execute(
                        "INSERT OR REPLACE INTO threads VALUES (?,?,?)", (incident, entry.alerter, dumps(ref.to_json()))
                    )

    def _fail(self, entry: OutboxEntry, now: datetime, error: AlertDeliveryError, *, attempt: bool = True) -> None:
        """Record a failed attempt: backoff (a server's Retry-After wins when longer, both capped);
        `attempt=False` for rows that rode along in a failed group (no attempt counted)."""
        delay = backoff(entry.attempts)
        if error.retry_after:
            delay = max(delay, timedelta(seconds=min(error.retry_after, MAX_BACKOFF.total_seconds())))
        status = "failed" if error.permanent else "pending"
        if attempt:
            log.error("pengiriman gagal (%s): %s", "permanen" if error.permanent else "akan dicoba lagi", error)
        with self.state.transaction() as db:
            db.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + ?, last_error = ?, next_attempt_at = ?,"
                " in_flight = ? WHERE seq = ?",
                (
                    status,
                    1 if attempt else 0,
                    str(error),
                    (now + delay).isoformat(),
                    1 if error.uncertain else 0,
                    entry.seq,
                ),
            )

    # -- overdue alerters and the heartbeat ------------------------------------------------

    def _watch_outages(self, alerters: Mapping[str, Alerter], now: datetime) -> None:
        """Tell the heartbeat alerters when an alerter falls behind, and when it has caught up."""
        limit = (now - self.config.overdue_after).isoformat()
        behind = {
            str(name): (datetime.fromisoformat(oldest), int(n), str(error or ""))
            for name, oldest, n, error in self.state.query(
                "SELECT alerter, MIN(fired_at), COUNT(*), MAX(last_error) FROM outbox"
                " WHERE status = 'pending' AND fired_at <= ? GROUP BY alerter",
                (limit,),
            )
        }
        known = {str(a): (datetime.fromisoformat(s), e) for a, s, e in self.state.query(
            "SELECT alerter, since, last_error FROM delivery_outages"
        )}  # fmt: skip
        for name, (oldest, count, error) in behind.items():
            if name in known:
                continue
            alert = self._heartbeat(
                name,
                "behind",
                now,
                self.say(
                    "delivery.behind",
                    alerter=name,
                    n=count,
                    since=self.say.time(oldest),
                    error=error or self.say("delivery.no_error"),
                ),
                alerters,
            )
            with self.state.transaction() as db:
                db.execute(
                    "INSERT INTO delivery_outages VALUES (?,?,?,?)", (name, oldest.isoformat(), now.isoformat(), error)
                )
                if alert.alerters:
                    self.enqueue(alert)
        for name, (since, _error) in known.items():
            if name in behind or self._still_pending(name, since):
                continue
            late = self.state.query(
                "SELECT COUNT(*), MAX(julianday(sent_at) - julianday(fired_at)) FROM outbox"
                " WHERE alerter = ? AND fired_at >= ? AND status = 'sent'",
                (name, since.isoformat()),
            )
            count, worst_days = int(late[0][0]), float(late[0][1] or 0)
            alert = self._heartbeat(
                name,
                "recovered",
                now,
                self.say(
                    "delivery.recovered",
                    alerter=name,
                    n=count,
                    worst=self.say.duration(timedelta(days=worst_days)),
                ),
                alerters,
            )
            with self.state.transaction() as db:
                db.execute("DELETE FROM delivery_outages WHERE alerter = ?", (name,))
                if alert.alerters:
                    self.enqueue(alert)

    def _still_pending(self, alerter: str, since: datetime) -> bool:
        rows = self.state.query(
            "SELECT 1 FROM outbox WHERE alerter = ? AND status = 'pending' AND fired_at >= ? LIMIT 1",
            (alerter, since.isoformat()),
        )
        return bool(rows)

    def _heartbeat(
        self, alerter: str, state: str, now: datetime, summary: str, alerters: Mapping[str, Alerter]
    ) -> Alert:
        """The outbox's own alert about `alerter`, for every other configured heartbeat alerter."""
        targets = tuple(a for a in self.config.heartbeat or ("log",) if a != alerter and a in alerters)
        key = f"{DELIVERY_RULE}|{alerter}|{state}|{now.isoformat()}"
        severity = Severity.WARNING if state == "behind" else Severity.INFO
        log.warning("%s", summary)
        return Alert(
            id=hashlib.sha256(key.encode()).hexdigest()[:24],
            rule=DELIVERY_RULE,
            severity=severity,
            title=self.say(f"delivery.{state}.title", alerter=alerter),
            summary=summary,
            fired_at=now,
            event="opened" if state == "behind" else "resolved",
            alerters=targets,
        )
