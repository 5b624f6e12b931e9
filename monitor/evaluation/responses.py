"""Response effectiveness: when the agency answered an incident, and whether it helped.

An incident's responses are the official mentions published while it was open that match its
watchlists or share a story with its mentions, and the links a person gives by hand (`monitor
incidents respond ID --url URL`). Once `[evaluation] response_window` has passed after the first
response, the hours around it are judged against the seasonal baseline (monitor/evaluation/
effect.py), the result is kept, and one line goes to the incident's thread through the outbox:
"Tanggapan resmi 2 jam 10 menit setelah insiden dibuka; porsi negatif 72 % -> 41 % dalam 6 jam
setelahnya".

Owns the `incident_responses` and `response_effects` tables of the state file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from monitor.config import MonitorConfig, RuleOptions
from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.evaluation.effect import Effect, Hour, judge
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook, IncidentRow
from monitor.incidents.silences import SilenceBook
from monitor.records import (
    OFFICIAL,
    RESPONSE_EVENT,
    Alert,
    EnrichedMention,
    Incident,
    PostRef,
    canonical_url,
    mention_id,
)
from monitor.store.base import MentionFilter, MentionStore

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS incident_responses (
    incident_id TEXT NOT NULL,
    -- The mention id (a link given by hand gets the id its article would have when collected).
    key TEXT NOT NULL,
    published_at TEXT NOT NULL,
    how TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    source TEXT NOT NULL,
    by TEXT,
    added_at TEXT NOT NULL,
    PRIMARY KEY (incident_id, key)
);
CREATE TABLE IF NOT EXISTS response_effects (
    incident_id TEXT PRIMARY KEY,
    computed_at TEXT NOT NULL,
    data TEXT NOT NULL,
    alert_id TEXT
);
"""
# Incidents opened this long ago or less are watched for responses.
TRACK_FOR = timedelta(days=7)
# The hours before a response that are read at most (a response a day after the onset).
MAX_HOURS_BEFORE = 24
# Stories of an incident's mentions that its responses may share.
STORIES = 20
# Official mentions read per incident when looking for responses.
CANDIDATES = 200

# What the public said about an incident's subject, from its rule and group (None: unknown):
# `monitor.rules.base.subject_filter`, passed in because the rules sit above this layer.
SubjectOf = Callable[[RuleOptions, str], MentionFilter | None]


@dataclass(frozen=True)
class Response:
    incident_id: str
    key: str
    published_at: datetime
    how: Literal["auto", "hand"]
    title: str
    url: str | None
    source: str
    by: str | None
    added_at: datetime

    @property
    def post(self) -> PostRef:
        return PostRef(self.key, self.title, self.url, self.source, published_at=self.published_at)


@dataclass(frozen=True)
class ResponseStatus:
    """An incident, its responses (the earliest first) and, once judged, the effect."""

    incident: Incident
    responses: tuple[Response, ...]
    effect: Effect | None

    @property
    def first(self) -> Response | None:
        return self.responses[0] if self.responses else None

    @property
    def delay(self) -> timedelta | None:
        return self.first.published_at - self.incident.opened_at if self.first else None


def _response_of(
    incident_id: str, item: EnrichedMention, how: Literal["auto", "hand"], by: str | None, now: datetime
) -> Response:
    m = item.mention
    return Response(incident_id, item.id, m.published_at, how, m.title or m.text[:200], m.url, m.source, by, now)


def usual_weeks(weeks: list[list[Hour]]) -> list[list[Hour]]:
    """The earlier weeks that were ordinary: one with more than twice the median week's volume
    in these hours had a crisis of its own and would raise the baseline."""
    totals = [sum(h.total for h in week) for week in weeks]
    limit = 2 * statistics.median(totals) if totals else 0
    kept = [week for week, total in zip(weeks, totals, strict=True) if total <= limit]
    return kept or weeks


def percent(share: float | None, say: Messages) -> str:
    return "–" if share is None else say.number(round(share * 100))


def effect_line(effect: Effect, say: Messages) -> str:
    """The sentence for the incident's thread, the digest and the report: 'Tanggapan resmi 2 jam
    10 menit setelah insiden dibuka; porsi negatif 72 % -> 41 % dalam 6 jam setelahnya (...)'."""
    j = effect.judgement
    key = "response.line" if effect.delay >= timedelta(0) else "response.line_before"
    text = say(
        key,
        delay=say.duration(abs(effect.delay)),
        before=percent(j.before_share, say),
        after=percent(j.after_share, say),
        window=say.duration(effect.window),
    )
    return text + say(f"response.verdict.{j.verdict}", expected=percent(j.expected_share, say))


def status_line(status: ResponseStatus, say: Messages) -> str:
    """What is known of an incident's response: its effect, its time while the effect is not
    judged yet, or that there is none."""
    if status.effect is not None:
        return effect_line(status.effect, say)
    if status.delay is not None:
        key = "response.pending" if status.delay >= timedelta(0) else "response.pending_before"
        return say(key, delay=say.duration(abs(status.delay)))
    return say("response.none")


class ResponseBook:
    """The responses and judged effects in the state file."""

    def __init__(self, state: StateDB):
        self.state = state
        state.ensure(_SCHEMA)

    def add(self, response: Response) -> bool:
        """Record a response; False when the incident already had it."""
        with self.state.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO incident_responses VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    response.incident_id,
                    response.key,
                    response.published_at.isoformat(),
                    response.how,
                    response.title,
                    response.url,
                    response.source,
                    response.by,
                    response.added_at.isoformat(),
                ),
            )
            added = cursor.rowcount > 0
            effect = self.effect(response.incident_id)
            if added and effect is not None and response.published_at < effect.response_at:
                # An earlier response given by hand: the effect is judged again from it.
                db.execute("DELETE FROM response_effects WHERE incident_id = ?", (response.incident_id,))
        return added

    def responses(self, incident_id: str) -> list[Response]:
        rows = self.state.query(
            "SELECT incident_id, key, published_at, how, title, url, source, by, added_at FROM incident_responses"
            " WHERE incident_id = ? ORDER BY published_at, key",
            (incident_id,),
        )
        return [
            Response(i, k, datetime.fromisoformat(p), h, t, u, s, b, datetime.fromisoformat(a))
            for i, k, p, h, t, u, s, b, a in rows
        ]

    def effect(self, incident_id: str) -> Effect | None:
        rows = self.state.query("SELECT data FROM response_effects WHERE incident_id = ?", (incident_id,))
        return Effect.from_json(json.loads(rows[0][0])) if rows else None

    def record(self, effect: Effect, now: datetime, alert_id: str | None) -> None:
        with self.state.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO response_effects VALUES (?,?,?,?)",
                (effect.incident_id, now.isoformat(), json.dumps(effect.to_json()), alert_id),
            )

    def status(self, incident: Incident) -> ResponseStatus:
        return ResponseStatus(incident, tuple(self.responses(incident.id)), self.effect(incident.id))

    def unjudged(self, since: datetime) -> list[str]:
        """Incidents opened since `since`, or with a response given by hand, not judged yet."""
        rows = self.state.query(
            "SELECT id FROM incidents WHERE (opened_at >= ? OR id IN"
            " (SELECT incident_id FROM incident_responses WHERE how = 'hand'))"
            " AND id NOT IN (SELECT incident_id FROM response_effects) ORDER BY opened_at, id",
            (since.astimezone(UTC).isoformat(),),
        )
        return [str(r[0]) for r in rows]


class ResponseTracker:
    def __init__(
        self,
        config: MonitorConfig,
        store: MentionStore,
        state: StateDB,
        *,
        outbox: Outbox | None = None,
        say: Messages | None = None,
        subject: SubjectOf,
    ):
        self.config = config
        self.options = config.evaluation
        self.store = store
        self.book = ResponseBook(state)
        self.incidents = IncidentBook(state)
        self.silences = SilenceBook(state)
        self.outbox = outbox
        self.say = say or Messages(config.monitor.language, config.monitor.timezone)
        self.subject_of = subject

    def _rule(self, name: str) -> RuleOptions | None:
        try:
            return self.config.rule(name)
        except KeyError:
            return None

    # -- finding responses ---------------------------------------------------------------------
    def subject(self, incident: Incident) -> MentionFilter | None:
        """What the public said about the incident: its rule's scope, else its mentions' stories."""
        rule = self._rule(incident.rule)
        scope = self.subject_of(rule, incident.group_key) if rule else None
        if scope is not None and (scope.watchlists or scope.topics or scope.sources or scope.channels or scope.authors):
            return scope
        stories = self.stories(incident)
        return MentionFilter(stories=stories, exclude_roles=(OFFICIAL,)) if stories else scope

    def stories(self, incident: Incident) -> tuple[str, ...]:
        ids = tuple(self.incidents.mention_ids(incident.id))
        if not ids:
            return ()
        return tuple(story for story, _ in self.store.terms("story_id", MentionFilter(ids=ids), size=STORIES))

    def discover(self, row: IncidentRow, now: datetime, scope: MentionFilter | None) -> list[Response]:
        """Official mentions published while the incident was open that match its watchlists or
        its stories (`scope`: its `subject`); the new ones are recorded."""
        incident = row.incident
        until = min(incident.resolved_at or now, now)
        if scope is None or until <= incident.opened_at:
            return []
        official = MentionFilter(since=incident.opened_at, until=until, roles=(OFFICIAL,))
        filters = []
        if scope.watchlists:
            filters.append(replace(official, watchlists=scope.watchlists))
        if scope.stories or (stories := self.stories(incident)):
            filters.append(replace(official, stories=scope.stories or stories))
        found: dict[str, EnrichedMention] = {}
        for flt in filters:
            found.update((hit.mention.id, hit.mention) for hit in self.store.search(flt, limit=CANDIDATES))
        added = []
        for item in sorted(found.values(), key=lambda m: m.mention.published_at):
            response = _response_of(incident.id, item, "auto", None, now)
            if self.book.add(response):
                added.append(response)
        return added

    def respond(
        self, incident_key: str, url: str, now: datetime, *, at: datetime | None = None, by: str = ""
    ) -> Response:
        """`monitor incidents respond`: link the response at `url` to the incident by hand. A
        link the store holds takes its time and title from there; another needs `at` (or is
        taken as published now)."""
        row = self.incidents.find(incident_key)
        key = mention_id("", url=url)
        item = self.store.get(key)
        if item is not None:
            response = _response_of(row.incident.id, item, "hand", by, now)
            if at is not None:
                response = replace(response, published_at=at)
        else:
            response = Response(row.incident.id, key, at or now, "hand", canonical_url(url), url, "", by, now)
        self.book.add(response)
        return response

    # -- judging -------------------------------------------------------------------------------
    def _hours(self, scope: MentionFilter, start: datetime, hours: int) -> list[Hour]:
        """Counts per hour from `start` (minute buckets summed, so the hours start at `start`)."""
        minute = timedelta(minutes=1)
        window = replace(scope, since=start, until=start + timedelta(hours=hours))
        totals = [n for _, n in self.store.histogram(window, minute)]
        negatives = [n for _, n in self.store.histogram(replace(window, sentiment=("negative",)), minute)]
        return [Hour(sum(totals[h * 60 : h * 60 + 60]), sum(negatives[h * 60 : h * 60 + 60])) for h in range(hours)]

    def assess(self, status: ResponseStatus, now: datetime, scope: MentionFilter | None) -> Effect | None:
        """The effect of the first response, once its window has passed (None before, or when
        the incident's subject, `scope`, is unknown)."""
        first, incident = status.first, status.incident
        window = self.options.response_window
        if first is None or first.published_at + window > now or scope is None:
            return None
        rule = self._rule(incident.rule)
        onset = incident.opened_at - (rule.evaluation_window if rule else timedelta(0))
        response_at = first.published_at.replace(second=0, microsecond=0)
        after_hours = max(1, math.ceil(window / timedelta(hours=1)))
        before_hours = min(max(1, math.ceil((response_at - onset) / timedelta(hours=1))), MAX_HOURS_BEFORE)
        start = response_at - timedelta(hours=before_hours)
        observed = self._hours(scope, start, before_hours + after_hours)
        weeks = usual_weeks(
            [
                self._hours(scope, start - timedelta(weeks=j), before_hours + after_hours)
                for j in range(1, self.options.baseline_weeks + 1)
            ]
        )
        usual = [sum(week[k].total for week in weeks) / len(weeks) for k in range(len(observed))]
        usual_total = sum(h.total for week in weeks for h in week)
        usual_share = sum(h.negative for week in weeks for h in week) / usual_total if usual_total else None
        judgement = judge(
            observed[:before_hours],
            observed[before_hours:],
            usual,
            usual_share,
            before_hours=min(before_hours, after_hours),
            min_drop=self.options.min_drop,
            min_mentions=self.options.min_mentions,
        )
        return Effect(incident.id, first.published_at, first.published_at - incident.opened_at, window, judgement)

    def line(self, effect: Effect) -> str:
        return effect_line(effect, self.say)

    def track(self, now: datetime) -> list[Alert]:
        """Look for responses to the recent incidents; judge those whose window has passed, keep
        the result and queue the line for their threads. Returns the alerts queued."""
        queued: list[Alert] = []
        for incident_id in self.book.unjudged(now - TRACK_FOR):
            row = self.incidents.get(incident_id)
            if row is None:
                continue
            # The subject once per incident: it may read the incident's stories from the store.
            scope = self.subject(row.incident)
            self.discover(row, now, scope)
            status = self.book.status(row.incident)
            effect = self.assess(status, now, scope)
            if effect is None:
                continue
            alert = self._alert(row, status, effect, now)
            with self.incidents.state.transaction():
                self.book.record(effect, now, alert.id if alert else None)
                if alert is not None:
                    queued += self._dispatch(row, alert)
        return queued

    def _alert(self, row: IncidentRow, status: ResponseStatus, effect: Effect, now: datetime) -> Alert | None:
        incident = row.incident
        rule = self._rule(incident.rule)
        if rule is None:
            return None
        key = f"{incident.id}|{RESPONSE_EVENT}|{effect.response_at.isoformat()}"
        first = status.first
        return Alert(
            id=hashlib.sha256(key.encode()).hexdigest()[:24],
            rule=incident.rule,
            severity=incident.severity,
            title=incident.title,
            summary=self.line(effect),
            fired_at=now,
            group_key=incident.group_key,
            incident_id=incident.id,
            event=RESPONSE_EVENT,
            count=incident.count,
            top_posts=(first.post,) if first else (),
            watchlists=rule.watched_watchlists,
            alerters=tuple(rule.alerters),
        )

    def _dispatch(self, row: IncidentRow, alert: Alert) -> list[Alert]:
        """Queue the line, or log why not (a silence; nobody was told of the incident)."""
        incident = row.incident
        silence = self.silences.matching(incident.rule, incident.group_key, alert.watchlists, alert.fired_at)
        reason = None
        if silence is not None:
            reason = self.say("rule.silenced", id=silence.id, until=self.say.time(silence.until), reason=silence.reason)
        elif not row.announced:
            reason = self.say("rule.never_announced")
        self.incidents.log_event(
            incident, RESPONSE_EVENT, alert.fired_at, alert.summary, alert_id=alert.id, suppressed=reason
        )
        if reason or self.outbox is None:
            return []
        self.outbox.enqueue(alert)
        return [alert]

    def statuses(self, since: datetime, until: datetime, now: datetime) -> list[ResponseStatus]:
        """Every incident opened in [since, until) with its responses; responses not found and
        effects not judged yet (the service was not running) are found and judged here, without
        a message."""
        found = []
        for row in self.incidents.rows():
            incident = row.incident
            if not since <= incident.opened_at < until:
                continue
            scope = self.subject(incident) if self.book.effect(incident.id) is None else None
            if scope is not None:
                self.discover(row, now, scope)
            status = self.book.status(incident)
            if status.effect is None and status.first is not None:
                status = replace(status, effect=self.assess(status, now, scope))
            found.append(status)
        return found
