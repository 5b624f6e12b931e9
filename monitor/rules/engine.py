"""The rule engine: evaluate every rule at the current time, including any gap since the last run.

After a restart the engine walks the time it missed in steps, so what happened while the
monitor was down still fires; the incident update, the alert in the outbox and the rule's
progress are committed in one transaction, so a crash never sends twice nor loses an alert.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from monitor.alerters.outbox import Outbox
from monitor.config import MonitorConfig, RuleConfig
from monitor.i18n import local_time
from monitor.incidents.book import IncidentBook
from monitor.records import Alert, EnrichedMention, Incident, PostRef
from monitor.rules.types import RULE_TYPES, Finding, RuleContext
from monitor.statedb import StateDB
from monitor.store.base import MentionStore

log = logging.getLogger(__name__)

# A monitor down for a month must not replay thousands of windows on start.
MAX_GAP_STEPS = 288


@dataclass
class EvaluationReport:
    alerts: list[Alert] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class RuleEngine:
    def __init__(self, config: MonitorConfig, store: MentionStore, state: StateDB, outbox: Outbox):
        self.config = config
        self.store = store
        self.state = state
        self.outbox = outbox
        self.incidents = IncidentBook(state)

    def evaluate(self, now: datetime, rules: list[RuleConfig] | None = None) -> EvaluationReport:
        report = EvaluationReport()
        for rule in rules if rules is not None else self.config.rules:
            try:
                report.alerts += self.evaluate_rule(rule, now)
            except Exception as exc:  # one broken rule must not stop the others
                log.exception("aturan '%s' gagal dievaluasi", rule.name)
                report.errors.append(f"aturan '{rule.name}': {exc}")
        return report

    def evaluation_points(self, rule: RuleConfig, now: datetime) -> list[datetime]:
        rows = self.state.query("SELECT evaluated_until FROM rule_runs WHERE rule = ?", (rule.name,))
        if not rows:
            return [now]
        last = datetime.fromisoformat(rows[0][0])
        step = min(rule.window, self.config.monitor.evaluate_interval)
        points = []
        moment = now
        while moment > last and len(points) < MAX_GAP_STEPS:
            points.append(moment)
            moment -= step
        return sorted(points)

    def evaluate_rule(self, rule: RuleConfig, now: datetime) -> list[Alert]:
        alerts: list[Alert] = []
        rule_type = RULE_TYPES[rule.type]
        for moment in self.evaluation_points(rule, now):
            end = moment - rule.delay
            ctx = RuleContext(self.store, end - rule.window, end, self._already_seen)
            findings = rule_type.evaluate(rule, ctx)
            with self.state.transaction() as db:
                for finding in findings:
                    alert = self._record(rule, finding, moment)
                    if alert:
                        alerts.append(alert)
                    db.executemany("INSERT OR IGNORE INTO rule_seen VALUES (?,?)",
                                   [(rule.name, i) for i in finding.mention_ids])
                for incident in self.incidents.resolve_quiet(rule, moment):
                    alerts.append(self._resolved_alert(rule, incident, moment))
                db.execute("INSERT OR REPLACE INTO rule_runs VALUES (?,?)", (rule.name, moment.isoformat()))
        return alerts

    def _already_seen(self, rule: str, ids: list[str]) -> set[str]:
        seen: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.state.query(f"SELECT mention_id FROM rule_seen WHERE rule = ? AND mention_id IN ({marks})",
                                    (rule, *chunk))
            seen.update(r[0] for r in rows)
        return seen

    def _record(self, rule: RuleConfig, finding: Finding, now: datetime) -> Alert | None:
        title = rule.description or rule.name
        if finding.group_key:
            title = f"{title} — {finding.group_key}"
        incident, event = self.incidents.apply(rule, finding, now, title)
        if event is None:
            return None
        alert = self._alert(rule, incident, event, finding, now)
        self.outbox.enqueue(alert)
        return alert

    def _alert(self, rule: RuleConfig, incident: Incident, event: str, finding: Finding, now: datetime) -> Alert:
        if finding.mention_ids:
            mentions = [m for m in (self.store.get(i) for i in finding.mention_ids[:200]) if m]
            split = dict(Counter(m.classification.sentiment.value for m in mentions if m.classification.sentiment))
            sources = tuple(Counter(m.mention.source for m in mentions).most_common(3))
        else:
            mentions = [hit.mention for hit in self.store.search(finding.filter, limit=200)]
            split = dict(self.store.terms("sentiment", finding.filter, size=3))
            sources = tuple(self.store.terms("source", finding.filter, size=3))
        key = f"{rule.name}|{finding.group_key}|{event}|{now.isoformat()}|{finding.count}"
        return Alert(
            id=hashlib.sha256(key.encode()).hexdigest()[:24],
            rule=rule.name,
            severity=incident.severity,
            title=incident.title,
            summary=finding.summary,
            fired_at=now,
            group_key=finding.group_key,
            incident_id=incident.id,
            event=event,
            count=finding.count,
            baseline=finding.baseline,
            window_start=finding.window_start,
            window_end=finding.window_end,
            sentiment_split=split,
            top_sources=sources,
            top_posts=top_posts(mentions),
            watchlists=tuple(rule.watchlists),
            mention_ids=finding.mention_ids,
            alerters=tuple(rule.alerters),
        )

    def _resolved_alert(self, rule: RuleConfig, incident: Incident, now: datetime) -> Alert:
        alert = Alert(
            id=hashlib.sha256(f"{incident.id}|resolved".encode()).hexdigest()[:24],
            rule=rule.name,
            severity=incident.severity,
            title=incident.title,
            summary=f"Tidak ada kejadian baru sejak {local_time(incident.updated_at, self.config.monitor.timezone)}; "
            "insiden ditutup",
            fired_at=now,
            group_key=incident.group_key,
            incident_id=incident.id,
            event="resolved",
            count=incident.count,
            watchlists=tuple(rule.watchlists),
            alerters=tuple(rule.alerters),
        )
        self.outbox.enqueue(alert)
        return alert


def top_posts(mentions: list[EnrichedMention], limit: int = 3) -> tuple[PostRef, ...]:
    """The most-reached posts (reach, then engagement, then newest) to quote in an alert."""
    ranked = sorted(
        mentions,
        key=lambda m: (m.mention.reach or 0, m.mention.engagement or 0, m.mention.published_at),
        reverse=True,
    )
    return tuple(
        PostRef(m.id, m.mention.title or m.mention.text[:140], m.mention.url, m.mention.source, m.mention.author,
                m.mention.reach or m.mention.engagement, m.mention.published_at)
        for m in ranked[:limit]
    )
