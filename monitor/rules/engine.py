"""The rule engine: evaluate every rule at the current time, including any gap since the last run.

After a restart the engine walks the time it missed in steps no longer than the rule's window,
so what happened while the monitor was down still fires. For each step the incident update, the
alert in the outbox (or its silenced record), the rule's memory and its progress are committed in
one transaction, so a crash never sends twice nor loses an alert. The engine owns the
`rule_runs` and `rule_seen` tables of the state file.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.config import MonitorConfig, RuleOptions
from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.i18n import Messages
from monitor.inbox import SourceHealth
from monitor.incidents.book import IncidentBook, IncidentRow
from monitor.incidents.silences import SilenceBook
from monitor.plugin import PluginContext
from monitor.records import Alert, EnrichedMention, PostRef
from monitor.rules import RULE_TYPES, RuleType
from monitor.rules.base import Finding, RuleContext, Watch
from monitor.rules.calendar import Calendar
from monitor.rules.clarify import Clarifier
from monitor.rules.lazy import ChangeLog
from monitor.rules.memory import RuleMemory
from monitor.store.base import MentionStore

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rule_runs (rule TEXT PRIMARY KEY, evaluated_until TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rule_seen (rule TEXT NOT NULL, mention_id TEXT NOT NULL, PRIMARY KEY (rule, mention_id));
"""
# A monitor down for months must not replay thousands of windows on start: past this many steps
# the steps grow (never beyond the rule's window, so no moment goes unseen) ...
MAX_GAP_STEPS = 288
# ... and a gap longer than this many windows is evaluated only for its most recent part.
MAX_GAP_WINDOWS = 2016
# How many of a finding's mentions an alert summarizes (sentiment split, sources, top posts).
ALERT_SAMPLE = 200


@dataclass
class EvaluationReport:
    alerts: list[Alert] = field(default_factory=list)
    # Alerts recorded in the incident log but not queued (silenced, or nobody heard of the incident).
    suppressed: list[tuple[Alert, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def in_active_hours(rule: RuleOptions, moment: datetime, zone: str) -> bool:
    window = rule.active_minutes
    if window is None:
        return True
    local = moment.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    start, end = window
    return start <= minute < end if start <= end else (minute >= start or minute < end)


class RuleEngine:
    def __init__(
        self,
        config: MonitorConfig,
        store: MentionStore,
        state: StateDB,
        outbox: Outbox,
        *,
        health: Callable[[], list[SourceHealth]] | None = None,
        context: PluginContext | None = None,
        lazy: ChangeLog | None = None,
    ):
        self.config = config
        self.store = store
        self.state = state
        self.outbox = outbox
        self.health = health
        self.context = context or PluginContext(timezone=config.monitor.timezone, language=config.monitor.language)
        self.say = Messages(config.monitor.language, config.monitor.timezone)
        self.incidents = IncidentBook(state)
        self.silences = SilenceBook(state)
        self.calendar = Calendar(config.calendar)
        self.clarifier = Clarifier(store, config.clarifications, self.say)
        # Replays and backtests: skip evaluations that cannot differ from the last (lazy.py).
        self.lazy = lazy
        # Lazy mode: the moments each rule was last passed (evaluated or skipped), and whether it
        # has an open incident (None: look it up).
        self._progress: dict[str, datetime] = {}
        self._open: dict[str, bool] = {}
        self._watches: dict[str, Watch | None] = {}
        # How many times a rule type was asked (a replay reports it against its steps).
        self.evaluations = 0
        self._types: dict[str, RuleType] = {}
        state.ensure(_SCHEMA)

    def rule_type(self, rule: RuleOptions) -> RuleType:
        """The rule's evaluator, built on first use (its module imported then)."""
        if rule.name not in self._types:
            self._types[rule.name] = RULE_TYPES.build(rule.type, rule.name, rule, self.context)
        return self._types[rule.name]

    def evaluate(self, now: datetime, rules: Sequence[RuleOptions] | None = None) -> EvaluationReport:
        report = EvaluationReport()
        for rule in rules if rules is not None else self.config.rules:
            try:
                if self.lazy is not None and rule.name in self._progress:
                    # The common case in a replay, answered without touching the database.
                    if now <= self._progress[rule.name]:
                        continue
                    if not self._due(rule, self.rule_type(rule), now):
                        self._progress[rule.name] = now
                        continue
                outcome = self.evaluate_rule(rule, now)
                report.alerts += outcome.alerts
                report.suppressed += outcome.suppressed
            except Exception as exc:  # one broken rule must not stop the others
                log.exception("aturan '%s' gagal dievaluasi", rule.name)
                report.errors.append(f"aturan '{rule.name}': {exc}")
        return report

    def observe(self, mentions: Sequence[EnrichedMention]) -> None:
        """Mentions the store has just accepted; lazy mode tracks what changed."""
        if self.lazy is not None:
            self.lazy.observe(mentions)

    def flush_progress(self) -> None:
        """Lazy mode: record how far each rule was passed without being evaluated."""
        with self.state.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO rule_runs VALUES (?,?)",
                [(name, moment.isoformat()) for name, moment in self._progress.items()],
            )

    def next_change(self, now: datetime) -> datetime | None:
        """Lazy mode: the earliest moment after `now` at which some rule could fire differently
        without new mentions (a replay jumps there); `now` itself when some rule must be judged
        at every step, None when no rule will change until mentions arrive."""
        assert self.lazy is not None
        moments = []
        for rule in self.config.rules:
            watch = self._watch(rule)
            if watch is None or self._has_open(rule.name):
                return now
            moment = self.lazy.next_change(rule, watch)
            if moment is not None:
                moments.append(max(moment, now))
        return min(moments, default=None)

    def evaluation_points(self, rule: RuleOptions, now: datetime) -> list[datetime]:
        """The moments to evaluate: `now`, preceded by steps through the gap since the last run
        (in lazy mode the caller visits every moment that matters: `now` only)."""
        if rule.name in self._progress:
            return [now] if now > self._progress[rule.name] else []
        rows = self.state.query("SELECT evaluated_until FROM rule_runs WHERE rule = ?", (rule.name,))
        if not rows:
            return [now]
        last = datetime.fromisoformat(rows[0][0])
        if now <= last:
            return []
        window = rule.evaluation_window
        earliest = max(last, now - window * MAX_GAP_WINDOWS)
        if earliest > last:
            log.warning(
                "aturan '%s': jeda sejak %s terlalu panjang; hanya %s terakhir yang dievaluasi",
                rule.name,
                last.isoformat(),
                now - earliest,
            )
        step = min(window, self.config.monitor.evaluate_interval)
        if (now - earliest) / step > MAX_GAP_STEPS:
            step = min(window, (now - earliest) / MAX_GAP_STEPS)
        points = []
        moment = now
        while moment > earliest:
            points.append(moment)
            moment -= step
        return sorted(points)

    def evaluate_rule(self, rule: RuleOptions, now: datetime) -> EvaluationReport:
        outcome = EvaluationReport()
        rule_type = self.rule_type(rule)
        zone = self.config.monitor.timezone
        sources = tuple(s.name for s in self.config.sources if s.enabled)
        for moment in self.evaluation_points(rule, now):
            if self.lazy is not None:
                due = self._due(rule, rule_type, moment)
                self._progress[rule.name] = moment
                if not due:
                    continue
            memory = RuleMemory(self.state, rule.name)
            findings: list[Finding] = []
            # Outside active hours nothing is evaluated: the window that is open when the hours
            # begin again is judged then, so an ongoing situation is reported in the morning.
            active = in_active_hours(rule, moment, zone)
            if active:
                end = moment - rule.evaluation_delay
                ctx = RuleContext(
                    self.store,
                    end - rule.evaluation_window,
                    end,
                    moment,
                    functools.partial(self._already_seen, rule.name),
                    memory,
                    self.say,
                    self.health,
                    sources,
                    self.calendar,
                )
                findings = rule_type.evaluate(ctx)
                self.evaluations += 1
            if self.lazy is not None:
                self.lazy.evaluated(rule.name, moment)
                if not (findings or memory.pending or self._has_open(rule.name)):
                    continue  # nothing to record; progress is kept in memory (flush_progress)
            was_open = self.lazy is None or self._has_open(rule.name)
            with self.state.transaction() as db:
                for finding in findings:
                    self._record(rule, finding, moment, outcome)
                    db.executemany(
                        "INSERT OR IGNORE INTO rule_seen VALUES (?,?)", [(rule.name, i) for i in finding.mention_ids]
                    )
                resolved = self.incidents.resolve_quiet(rule, moment) if active and was_open else []
                for row in resolved:
                    self._dispatch(rule, row, self._resolved_alert(rule, row, moment), outcome)
                memory.flush(db, moment)
                db.execute("INSERT OR REPLACE INTO rule_runs VALUES (?,?)", (rule.name, moment.isoformat()))
            if findings:
                self._open[rule.name] = True
            elif resolved:
                self._open.pop(rule.name, None)  # looked up again when needed
        return outcome

    def _watch(self, rule: RuleOptions) -> Watch | None:
        """The rule type's Watch, or None when the rule must be judged at every step (a type
        without one, or active hours: their boundaries are not scopes)."""
        if rule.name not in self._watches:
            watch = getattr(self.rule_type(rule), "watch", None)
            self._watches[rule.name] = watch if isinstance(watch, Watch) and not rule.active_hours else None
        return self._watches[rule.name]

    def _due(self, rule: RuleOptions, rule_type: RuleType, moment: datetime) -> bool:
        """Lazy mode: whether this moment could give another result than the rule's last one."""
        assert self.lazy is not None
        watch = self._watch(rule)
        # An open incident has timers (cooldown, resolution): it is judged at every step.
        return watch is None or self._has_open(rule.name) or self.lazy.due(rule, watch, moment)

    def _has_open(self, rule: str) -> bool:
        if rule not in self._open:
            rows = self.state.query("SELECT 1 FROM incidents WHERE rule = ? AND status = 'open' LIMIT 1", (rule,))
            self._open[rule] = bool(rows)
        return self._open[rule]

    def _already_seen(self, rule: str, ids: list[str]) -> set[str]:
        rows = self.state.query_in(
            "SELECT mention_id FROM rule_seen WHERE rule = ? AND mention_id IN ({marks})", (rule,), ids
        )
        return {str(r[0]) for r in rows}

    def _record(self, rule: RuleOptions, finding: Finding, now: datetime, outcome: EvaluationReport) -> None:
        title = rule.description or rule.name
        if finding.group_key or finding.label:
            title = f"{title} — {finding.label or finding.group_key}"
        row, event = self.incidents.apply(rule, finding.group_key, finding.count, now, title)
        # What an analyst looks back at: the finding's own mentions, or the newest its filter
        # matches (ids only, so a quiet evaluation reads no documents).
        linked = finding.mention_ids or tuple(self.store.ids(finding.filter, limit=ALERT_SAMPLE))
        self.incidents.link(row.incident.id, linked)
        if event is not None:
            self._dispatch(rule, row, self._alert(rule, row, event, finding, now), outcome)

    def _dispatch(self, rule: RuleOptions, row: IncidentRow, alert: Alert, outcome: EvaluationReport) -> None:
        """Queue the alert, or record why not: a silence, or an incident nobody was told about."""
        incident = row.incident
        silence = self.silences.matching(rule.name, incident.group_key, rule.watched_watchlists, alert.fired_at)
        reason = None
        if silence:
            reason = self.say("rule.silenced", id=silence.id, until=self.say.time(silence.until), reason=silence.reason)
        elif alert.event == "resolved" and not row.announced:
            reason = self.say("rule.never_announced")
        elif alert.event != "opened" and not row.announced:
            # Its opening was silenced: the first alert the team gets must be the thread's header.
            alert = _as_event(alert, "opened")
        self.incidents.log_event(
            incident, alert.event, alert.fired_at, alert.summary, alert_id=alert.id, suppressed=reason
        )
        if reason:
            outcome.suppressed.append((alert, reason))
            return
        self.outbox.enqueue(alert)
        outcome.alerts.append(alert)

    def _alert(self, rule: RuleOptions, row: IncidentRow, event: str, finding: Finding, now: datetime) -> Alert:
        incident = row.incident
        if finding.mentions:
            mentions = list(finding.mentions[:ALERT_SAMPLE])
            split = dict(Counter(m.classification.sentiment.value for m in mentions if m.classification.sentiment))
            sources = tuple(Counter(m.mention.source for m in mentions).most_common(3))
        else:
            mentions = [hit.mention for hit in self.store.search(finding.filter, limit=ALERT_SAMPLE)]
            split = dict(self.store.terms("sentiment", finding.filter, size=3))
            sources = tuple(self.store.terms("source", finding.filter, size=3))
        key = f"{rule.name}|{finding.group_key}|{event}|{now.isoformat()}|{finding.count}"
        evidence = finding.evidence or (finding.explain() if finding.explain else ())
        clarifications = self.clarifier.for_mentions(mentions, now)
        summary = finding.summary
        if clarifications:
            summary += self.say("clarify.summary", by=", ".join(dict.fromkeys(c.source for c in clarifications)))
        return Alert(
            id=hashlib.sha256(key.encode()).hexdigest()[:24],
            rule=rule.name,
            severity=incident.severity,
            title=incident.title,
            summary=summary,
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
            watchlists=rule.watched_watchlists,
            mention_ids=finding.mention_ids,
            alerters=tuple(rule.alerters),
            evidence=evidence,
            clarifications=clarifications,
        )

    def _resolved_alert(self, rule: RuleOptions, row: IncidentRow, now: datetime) -> Alert:
        incident = row.incident
        return Alert(
            id=hashlib.sha256(f"{incident.id}|resolved".encode()).hexdigest()[:24],
            rule=rule.name,
            severity=incident.severity,
            title=incident.title,
            summary=self.say("rule.resolved", since=self.say.time(incident.updated_at)),
            fired_at=now,
            group_key=incident.group_key,
            incident_id=incident.id,
            event="resolved",
            count=incident.count,
            watchlists=rule.watched_watchlists,
            alerters=tuple(rule.alerters),
        )


def _as_event(alert: Alert, event: str) -> Alert:
    return replace(alert, event=event, id=hashlib.sha256(f"{alert.id}|{event}".encode()).hexdigest()[:24])


def top_posts(mentions: list[EnrichedMention], limit: int = 3) -> tuple[PostRef, ...]:
    """The most-reached posts (reach, then engagement, then newest) to quote in an alert."""
    ranked = sorted(
        mentions,
        key=lambda m: (m.mention.reach or 0, m.mention.engagement or 0, m.mention.published_at),
        reverse=True,
    )
    return tuple(
        PostRef(
            m.id,
            m.mention.title or m.mention.text[:140],
            m.mention.url,
            m.mention.source,
            m.mention.author,
            m.mention.reach or m.mention.engagement,
            m.mention.published_at,
        )
        for m in ranked[:limit]
    )
