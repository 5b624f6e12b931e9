"""The incident lifecycle: open, update, escalate, acknowledge, resolve; persisted in the state database.

A firing rule opens an incident or updates the open one with the same rule and grouping key, so
a developing crisis is one thread with updates, not a storm of separate alerts. Counts are the
numbers last reported to the team: escalation compares against them, so an acknowledged incident
that keeps growing quietly still escalates once it doubles what the team last saw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.config import RuleOptions
from monitor.db import Row, StateDB
from monitor.i18n import Messages
from monitor.records import Incident
from monitor.values import Severity

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
-- The mentions behind each firing: what an analyst reads when looking back at an incident.
CREATE TABLE IF NOT EXISTS incident_mentions (
    incident_id TEXT NOT NULL,
    mention_id TEXT NOT NULL,
    PRIMARY KEY (incident_id, mention_id)
) WITHOUT ROWID;
"""
# Columns added after the first release, added on open when missing, so a state file from an
# older version keeps its incidents.
_MIGRATIONS = (
    ("incidents", "acked_at", "TEXT"),
    ("incidents", "acked_by", "TEXT"),
    ("incidents", "ack_note", "TEXT"),
    # Whether any alert of the incident was delivered (not silenced): the first one that is
    # becomes the thread's header.
    ("incidents", "announced", "INTEGER NOT NULL DEFAULT 1"),
)

_COLUMNS = (
    "id, rule, group_key, severity, status, opened_at, updated_at, last_alert_at, count, title, resolved_at,"
    " acked_at, acked_by, ack_note, announced"
)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class IncidentRow:
    """An incident with the bookkeeping the team and the engine need around it."""

    incident: Incident
    last_alert_at: datetime
    acked_at: datetime | None = None
    acked_by: str | None = None
    ack_note: str | None = None
    # False while every alert of the incident was silenced: nobody has heard of it yet.
    announced: bool = True


@dataclass(frozen=True)
class IncidentEvent:
    incident_id: str
    at: datetime
    event: str
    severity: Severity
    count: int
    summary: str
    alert_id: str | None
    suppressed: str | None


def _row(row: Row) -> IncidentRow:
    (
        id_,
        rule,
        key,
        severity,
        status,
        opened,
        updated,
        last_alert,
        count,
        title,
        resolved,
        acked_at,
        acked_by,
        ack_note,
        announced,
    ) = row
    incident = Incident(
        id=id_,
        rule=rule,
        group_key=key,
        severity=Severity(severity),
        status=status,
        opened_at=datetime.fromisoformat(opened),
        updated_at=datetime.fromisoformat(updated),
        count=count,
        title=title,
        resolved_at=_dt(resolved),
    )
    return IncidentRow(incident, datetime.fromisoformat(last_alert), _dt(acked_at), acked_by, ack_note, bool(announced))


class IncidentBook:
    def __init__(self, state: StateDB):
        self.state = state
        state.ensure(_SCHEMA, _MIGRATIONS)

    # -- reading -------------------------------------------------------------------------------
    def open_incident(self, rule: str, group_key: str) -> IncidentRow | None:
        rows = self.state.query(
            f"SELECT {_COLUMNS} FROM incidents WHERE rule = ? AND group_key = ? AND status = 'open'", (rule, group_key)
        )
        return _row(rows[0]) if rows else None

    def rows(self, *, status: str | None = None) -> list[IncidentRow]:
        where = " WHERE status = ?" if status else ""
        rows = self.state.query(
            f"SELECT {_COLUMNS} FROM incidents{where} ORDER BY opened_at, id", (status,) if status else ()
        )
        return [_row(r) for r in rows]

    def all(self, *, status: str | None = None) -> list[Incident]:
        return [r.incident for r in self.rows(status=status)]

    def find(self, id_prefix: str) -> IncidentRow:
        """The incident whose id starts with `id_prefix` (the CLI shows short ids)."""
        prefix = id_prefix.strip()
        rows = (
            self.state.query(
                f"SELECT {_COLUMNS} FROM incidents WHERE id LIKE ? ESCAPE '\\'",
                (prefix.replace("%", "\\%").replace("_", "\\_") + "%",),
            )
            if prefix
            else []
        )
        if not rows:
            raise KeyError(f"insiden '{id_prefix}' tidak ditemukan")
        if len(rows) > 1:
            raise KeyError(f"'{id_prefix}' cocok dengan {len(rows)} insiden; tulis id lebih panjang")
        return _row(rows[0])

    def get(self, incident_id: str) -> IncidentRow | None:
        rows = self.state.query(f"SELECT {_COLUMNS} FROM incidents WHERE id = ?", (incident_id,))
        return _row(rows[0]) if rows else None

    def events(self, incident_id: str) -> list[IncidentEvent]:
        return self._events("WHERE incident_id = ?", (incident_id,))

    def events_between(self, since: datetime, until: datetime) -> list[IncidentEvent]:
        """Every event logged in [since, until) of any incident, oldest first (the digest's
        incidents of the day). Times are stored as UTC ISO strings, which sort as times."""
        since, until = since.astimezone(UTC), until.astimezone(UTC)
        events = self._events("WHERE at >= ? AND at < ?", (since.isoformat(), until.isoformat()))
        return [e for e in events if since <= e.at < until]

    def _events(self, where: str, params: tuple[str, ...]) -> list[IncidentEvent]:
        rows = self.state.query(
            "SELECT incident_id, at, event, severity, count, summary, alert_id, suppressed FROM incident_events"
            f" {where} ORDER BY seq",
            params,
        )
        return [
            IncidentEvent(i, datetime.fromisoformat(at), e, Severity(s), c, summary, a, sup)
            for i, at, e, s, c, summary, a, sup in rows
        ]

    def mention_ids(self, incident_id: str) -> list[str]:
        """The ids of the mentions the incident's findings were made of (see `link`)."""
        rows = self.state.query(
            "SELECT mention_id FROM incident_mentions WHERE incident_id = ? ORDER BY mention_id", (incident_id,)
        )
        return [str(r[0]) for r in rows]

    # -- lifecycle -----------------------------------------------------------------------------
    def apply(
        self, rule: RuleOptions, group_key: str, count: int, now: datetime, title: str
    ) -> tuple[IncidentRow, str | None]:
        """Record that `rule` fired for `group_key` with `count`; return the incident and the
        event to alert on (None: stay quiet)."""
        current = self.open_incident(rule.name, group_key)
        if current is None:
            digest = hashlib.sha256(f"{rule.name}|{group_key}|{now.isoformat()}".encode()).hexdigest()[:20]
            incident = Incident(digest, rule.name, group_key, Severity(rule.severity), "open", now, now, count, title)
            with self.state.transaction() as db:
                db.execute(
                    f"INSERT INTO incidents ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL,NULL,NULL,0)",
                    (
                        incident.id,
                        incident.rule,
                        incident.group_key,
                        incident.severity.value,
                        "open",
                        now.isoformat(),
                        now.isoformat(),
                        now.isoformat(),
                        incident.count,
                        title,
                        None,
                    ),
                )
            return IncidentRow(incident, now, announced=False), "opened"
        incident = current.incident
        event = None
        severity = incident.severity
        # A rule of type `any` reports every new mention; counting rules report growth only.
        counting = rule.counting
        grew = count > incident.count if counting else count > 0
        if counting and count >= rule.escalate_factor * max(incident.count, 1) and severity != Severity.CRITICAL:
            severity = severity.raised()
            event = "escalated"
        elif grew and current.acked_at is None and (not counting or now - current.last_alert_at >= rule.cooldown):
            event = "updated"
        total = max(count, incident.count) if counting else incident.count + count
        updated = incident.with_update(updated_at=now, count=total if event else incident.count, severity=severity)
        last_alert = now if event else current.last_alert_at
        with self.state.transaction() as db:
            db.execute(
                "UPDATE incidents SET severity = ?, updated_at = ?, last_alert_at = ?, count = ? WHERE id = ?",
                (updated.severity.value, now.isoformat(), last_alert.isoformat(), updated.count, incident.id),
            )
            if event == "escalated":
                # An escalation is news the team has not acknowledged yet.
                db.execute(
                    "UPDATE incidents SET acked_at = NULL, acked_by = NULL, ack_note = NULL WHERE id = ?",
                    (incident.id,),
                )
        acked = None if event == "escalated" else current.acked_at
        return IncidentRow(
            updated,
            last_alert,
            acked,
            current.acked_by if acked else None,
            current.ack_note if acked else None,
            current.announced,
        ), event

    def link(self, incident_id: str, mention_ids: Sequence[str]) -> None:
        """Remember that these mentions made (part of) the incident; joins the caller's transaction."""
        with self.state.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO incident_mentions (incident_id, mention_id) VALUES (?,?)",
                [(incident_id, mention_id) for mention_id in mention_ids],
            )

    def resolve_quiet(self, rule: RuleOptions, now: datetime) -> list[IncidentRow]:
        resolved = []
        # Only those quiet long enough are read: a storm leaves thousands open at once.
        quiet_since = (now - rule.resolve_after).isoformat()
        for row in self.state.query(
            f"SELECT {_COLUMNS} FROM incidents WHERE rule = ? AND status = 'open' AND updated_at <= ?",
            (rule.name, quiet_since),
        ):
            current = _row(row)
            if now - current.incident.updated_at >= rule.resolve_after:
                # updated_at stays the last firing: "quiet since" is what the resolution reports.
                done = current.incident.with_update(status="resolved", resolved_at=now)
                with self.state.transaction() as db:
                    db.execute(
                        "UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ?",
                        (now.isoformat(), done.id),
                    )
                resolved.append(
                    IncidentRow(
                        done,
                        current.last_alert_at,
                        current.acked_at,
                        current.acked_by,
                        current.ack_note,
                        current.announced,
                    )
                )
        return resolved

    def acknowledge(
        self, id_prefix: str, *, now: datetime, by: str = "", note: str = "", say: Messages | None = None
    ) -> IncidentRow:
        """The team has it: no more update alerts, until it escalates or resolves."""
        row = self.find(id_prefix)
        if row.incident.status != "open":
            raise ValueError(f"insiden {row.incident.id[:8]} sudah selesai; tidak perlu di-ack")
        with self.state.transaction() as db:
            db.execute(
                "UPDATE incidents SET acked_at = ?, acked_by = ?, ack_note = ? WHERE id = ?",
                (now.isoformat(), by, note, row.incident.id),
            )
            db.execute(
                "INSERT INTO incident_events (incident_id, at, event, severity, count, summary) VALUES (?,?,?,?,?,?)",
                (
                    row.incident.id,
                    now.isoformat(),
                    "acknowledged",
                    row.incident.severity.value,
                    row.incident.count,
                    _ack_summary(say or Messages(), by, note),
                ),
            )
        return IncidentRow(row.incident, row.last_alert_at, now, by, note, row.announced)

    def log_event(
        self,
        incident: Incident,
        event: str,
        now: datetime,
        summary: str,
        *,
        alert_id: str | None,
        suppressed: str | None,
    ) -> None:
        with self.state.transaction() as db:
            db.execute(
                "INSERT INTO incident_events (incident_id, at, event, severity, count, summary, alert_id, suppressed)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (
                    incident.id,
                    now.isoformat(),
                    event,
                    incident.severity.value,
                    incident.count,
                    summary,
                    alert_id,
                    suppressed,
                ),
            )
            if suppressed is None:
                db.execute("UPDATE incidents SET announced = 1 WHERE id = ?", (incident.id,))


def _ack_summary(say: Messages, by: str, note: str) -> str:
    summary = say("incidents.acked_note", by=by or say("incidents.team"))
    return f"{summary}: {note}" if note else summary
