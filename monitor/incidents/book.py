"""The incident lifecycle: open, update, escalate, resolve; persisted in the state database.

A firing rule opens an incident or updates the open one with the same rule and grouping key, so
a developing crisis is one thread with updates, not a storm of separate alerts.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from monitor.config import RuleConfig
from monitor.records import Incident, Severity
from monitor.rules.types import Finding
from monitor.statedb import StateDB

_COLUMNS = "id, rule, group_key, severity, status, opened_at, updated_at, last_alert_at, count, title, resolved_at"


def _incident(row: tuple) -> tuple[Incident, datetime]:
    (id_, rule, key, severity, status, opened, updated, last_alert, count, title, resolved) = row
    incident = Incident(
        id=id_, rule=rule, group_key=key, severity=Severity(severity), status=status,
        opened_at=datetime.fromisoformat(opened), updated_at=datetime.fromisoformat(updated), count=count,
        title=title, resolved_at=datetime.fromisoformat(resolved) if resolved else None,
    )
    return incident, datetime.fromisoformat(last_alert)


class IncidentBook:
    def __init__(self, state: StateDB):
        self.state = state

    def open_incident(self, rule: str, group_key: str) -> tuple[Incident, datetime] | None:
        rows = self.state.query(
            f"SELECT {_COLUMNS} FROM incidents WHERE rule = ? AND group_key = ? AND status = 'open'", (rule, group_key)
        )
        return _incident(rows[0]) if rows else None

    def all(self, *, status: str | None = None) -> list[Incident]:
        where = " WHERE status = ?" if status else ""
        rows = self.state.query(f"SELECT {_COLUMNS} FROM incidents{where} ORDER BY opened_at", (status,) if status else ())
        return [_incident(r)[0] for r in rows]

    def apply(self, rule: RuleConfig, finding: Finding, now: datetime, title: str) -> tuple[Incident, str | None]:
        """Record a finding; return the incident and the event to alert on (None: stay quiet)."""
        current = self.open_incident(rule.name, finding.group_key)
        if current is None:
            digest = hashlib.sha256(f"{rule.name}|{finding.group_key}|{now.isoformat()}".encode()).hexdigest()[:20]
            incident = Incident(digest, rule.name, finding.group_key, Severity(rule.severity), "open",
                                now, now, finding.count, title)
            self._save(incident, last_alert=now)
            return incident, "opened"
        incident, last_alert = current
        event = None
        severity = incident.severity
        opened_count = max(incident.count, 1)
        # A rule of type `any` reports every new mention; counting rules report growth only.
        grew = finding.count > 0 if rule.type == "any" else finding.count > incident.count
        if rule.type != "any" and finding.count >= 2 * opened_count and severity != Severity.CRITICAL:
            severity = Severity(["info", "warning", "critical"][severity.rank + 1])
            event = "escalated"
        elif grew and (rule.type == "any" or now - last_alert >= rule.cooldown):
            event = "updated"
        count = incident.count + finding.count if rule.type == "any" else max(finding.count, incident.count)
        updated = incident.with_update(updated_at=now, count=count if event else incident.count, severity=severity)
        self._save(updated, last_alert=now if event else last_alert)
        return updated, event

    def resolve_quiet(self, rule: RuleConfig, now: datetime) -> list[Incident]:
        resolved = []
        for row in self.state.query(f"SELECT {_COLUMNS} FROM incidents WHERE rule = ? AND status = 'open'", (rule.name,)):
            incident, last_alert = _incident(row)
            if now - incident.updated_at >= rule.resolve_after:
                done = incident.with_update(status="resolved", resolved_at=now, updated_at=now)
                self._save(done, last_alert=last_alert)
                resolved.append(done)
        return resolved

    def _save(self, incident: Incident, *, last_alert: datetime) -> None:
        with self.state.transaction() as db:
            db.execute(
                f"INSERT OR REPLACE INTO incidents ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    incident.id, incident.rule, incident.group_key, incident.severity.value, incident.status,
                    incident.opened_at.isoformat(), incident.updated_at.isoformat(), last_alert.isoformat(),
                    incident.count, incident.title, incident.resolved_at.isoformat() if incident.resolved_at else None,
                ),
            )
