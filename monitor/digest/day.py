"""What a digest section reads and what it gives back.

A section (monitor/digest/sections/) gets a `DigestDay`: the group's scope (its watchlists),
the local day as a UTC window, the store (the MentionStore protocol only, so SQLite and
Elasticsearch both work), the incident log and the message catalogue. It returns a `Part`:
its HTML, its plain text and its charts.

Sentiment is counted from whatever the store returns (`DigestDay.sentiment_counts` is the one
place): when analysts' label corrections replace a mention's stored sentiment, the digest counts
the corrected label without any change here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any, Protocol

from markupsafe import Markup

from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.evaluation.responses import ResponseBook, ResponseStatus
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook, IncidentEvent
from monitor.records import EnrichedMention, Incident
from monitor.store.base import MentionFilter, MentionStore
from monitor.values import Sentiment

SENTIMENTS = tuple(s.value for s in Sentiment)
# Mentions of one day read in full (for story sources and reach ranking); counts never depend on it.
SCAN_PAGE = 500
SCAN_LIMIT = 5000


@dataclass(frozen=True)
class Image:
    """A chart: attached to the email and referenced from the HTML as cid:<cid>."""

    cid: str
    png: bytes
    alt: str


@dataclass(frozen=True)
class Part:
    """One section's contribution to the digest."""

    name: str
    title: str
    html: Markup
    text: str
    images: tuple[Image, ...] = ()


class Section(Protocol):
    """What a digest section plugin builds: its part of one day's digest."""

    name: str

    def build(self, day: DigestDay) -> Part | None:
        """This section's part; None when it has nothing to add (an empty day, for most)."""


@dataclass(frozen=True)
class IncidentActivity:
    """An incident and what happened to it during the day, with links to its Slack threads."""

    incident: Incident
    events: tuple[IncidentEvent, ...]
    acked_by: str | None = None
    links: tuple[str, ...] = ()
    # The agency's responses to it and, once judged, their effect (monitor/evaluation/).
    response: ResponseStatus | None = None


class IncidentLog(Protocol):
    def activity(self, since: datetime, until: datetime) -> list[IncidentActivity]: ...


def slack_permalink(channel: str, ts: str) -> str:
    """Slack's archive link for a message: https://slack.com/archives/C123/p1700000000123456."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


class StateIncidentLog:
    """Incidents of a day from the incident book's event log; links from the outbox's threads
    of the alerters that are Slack apps (`type = "slack"`); the agency's responses from the
    evaluation's response book."""

    def __init__(self, state: StateDB, slack_alerters: Collection[str] = ()):
        self.book = IncidentBook(state)
        self.outbox = Outbox(state)
        self.responses = ResponseBook(state)
        self.slack_alerters = frozenset(slack_alerters)

    def activity(self, since: datetime, until: datetime) -> list[IncidentActivity]:
        by_incident: dict[str, list[IncidentEvent]] = {}
        for event in self.book.events_between(since, until):
            by_incident.setdefault(event.incident_id, []).append(event)
        result = []
        for incident_id, events in by_incident.items():
            row = self.book.get(incident_id)
            if row is None:
                continue
            threads = self.outbox.threads(incident_id)
            links = tuple(
                slack_permalink(ref.channel, ref.message)
                for alerter, ref in threads.items()
                if alerter in self.slack_alerters and ref.channel and ref.message
            )
            response = self.responses.status(row.incident)
            result.append(IncidentActivity(row.incident, tuple(events), row.acked_by, links, response))
        return result


class NoIncidents:
    """For a digest built without the monitor's state (a preview from a bare store)."""

    def activity(self, since: datetime, until: datetime) -> list[IncidentActivity]:
        return []


@dataclass
class DigestDay:
    """One group's digest of one local day."""

    group: str
    day: date
    store: MentionStore
    say: Messages
    incidents: IncidentLog = field(default_factory=NoIncidents)
    # The group's watchlists: the digest covers mentions matching any of them; empty: all.
    watchlists: tuple[str, ...] = ()
    # "The usual": the days before the digest's day that changes are measured against.
    baseline_days: int = 7

    # -- windows -----------------------------------------------------------------------------
    def bounds(self, days_back: int = 0) -> tuple[datetime, datetime]:
        """The UTC window of the local day `days_back` days before the digest's day."""
        local = self.day - timedelta(days=days_back)
        start = datetime.combine(local, time(0), tzinfo=self.say.zone)
        end = datetime.combine(local + timedelta(days=1), time(0), tzinfo=self.say.zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    @property
    def since(self) -> datetime:
        return self.bounds()[0]

    @property
    def until(self) -> datetime:
        return self.bounds()[1]

    def filter(self, *, days_back: int = 0, days: int = 1, **criteria: Any) -> MentionFilter:
        """Mentions of `days` local days ending with the day `days_back` before the digest's,
        within the group's watchlists unless `criteria` names others."""
        since = self.bounds(days_back + days - 1)[0]
        until = self.bounds(days_back)[1]
        criteria.setdefault("watchlists", self.watchlists)
        return MentionFilter(since=since, until=until, **criteria)

    def baseline(self, **criteria: Any) -> MentionFilter:
        """The `baseline_days` days before the digest's day."""
        return self.filter(days_back=1, days=self.baseline_days, **criteria)

    # -- numbers -----------------------------------------------------------------------------
    def count(self, flt: MentionFilter) -> int:
        return self.store.count(flt)

    @cached_property
    def total(self) -> int:
        return self.store.count(self.filter())

    def sentiment_counts(self, flt: MentionFilter) -> dict[str, int]:
        """Mentions per sentiment as the store has them (corrected labels, once analysts correct
        them, replace the stored ones); every sentiment present, zero when none."""
        counts = dict(self.store.terms("sentiment", flt, size=len(SENTIMENTS) + 1))
        return {s: counts.get(s, 0) for s in SENTIMENTS}

    @cached_property
    def mentions(self) -> list[EnrichedMention]:
        """The day's mentions (up to SCAN_LIMIT, newest first): for details counts cannot give,
        such as a story's first source or the most-reached posts."""
        found: list[EnrichedMention] = []
        flt = self.filter()
        while len(found) < SCAN_LIMIT:
            page = self.store.search(flt, limit=SCAN_PAGE, offset=len(found))
            found += [hit.mention for hit in page]
            if len(page) < SCAN_PAGE:
                break
        return found

    def date_text(self, day: date | None = None) -> str:
        """'Jumat, 20 Nov 2026'."""
        day = day or self.day
        say = self.say
        return say(
            "digest.date",
            weekday=say.words("calendar.weekdays")[day.weekday()],
            day=day.day,
            month=say.words("calendar.months")[day.month - 1],
            year=day.year,
        )


def top_by_reach(mentions: Sequence[EnrichedMention], limit: int) -> list[EnrichedMention]:
    """Most-reached first; unknown reach counts as none, ties by newest."""
    ordered = sorted(mentions, key=lambda m: m.mention.published_at, reverse=True)
    return sorted(ordered, key=lambda m: m.mention.reach or 0, reverse=True)[:limit]
