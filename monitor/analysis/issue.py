"""One issue up close: an incident's or a story's mentions, how they spread, who amplified them.

An incident's mentions are the ones its findings were made of (`IncidentBook.mention_ids`); a
story's are the mentions sharing its `story_id` (syndicated copies and re-reports). Everything
else is computed over those mentions, so it is the same on SQLite and Elasticsearch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.incidents.book import IncidentBook, IncidentEvent
from monitor.records import EnrichedMention, Incident
from monitor.store.base import MentionFilter, MentionStore

# Both stores page up to this many hits in one search (Elasticsearch's default result window).
MAX_MENTIONS = 10_000
NO_SENTIMENT = "-"


def _reach(item: EnrichedMention) -> int:
    return item.mention.reach or item.mention.engagement or 0


@dataclass(frozen=True)
class SourceSpread:
    """How one source (an outlet, a social export) carried the issue."""

    source: str
    first_at: datetime
    mentions: int
    reach: int
    authors: int


@dataclass(frozen=True)
class Amplifier:
    """An account or author and how far it carried the issue."""

    author: str
    sources: tuple[str, ...]
    mentions: int
    reach: int
    engagement: int
    first_at: datetime


@dataclass(frozen=True)
class Issue:
    title: str
    # Oldest first.
    mentions: tuple[EnrichedMention, ...]
    incident: Incident | None = None
    events: tuple[IncidentEvent, ...] = field(default=())

    @property
    def first(self) -> EnrichedMention | None:
        return self.mentions[0] if self.mentions else None

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        if not self.mentions:
            return None
        return self.mentions[0].mention.published_at, self.mentions[-1].mention.published_at

    def spread(self) -> list[SourceSpread]:
        """Per source, in the order the issue reached it."""
        by_source: dict[str, list[EnrichedMention]] = {}
        for item in self.mentions:
            by_source.setdefault(item.mention.source, []).append(item)
        return [
            SourceSpread(
                source,
                items[0].mention.published_at,
                len(items),
                sum(_reach(i) for i in items),
                len({i.mention.author for i in items if i.mention.author}),
            )
            for source, items in by_source.items()
        ]

    def amplifiers(self, n: int = 10) -> list[Amplifier]:
        """The accounts that carried the issue furthest: reach (or engagement), then mentions."""
        by_author: dict[str, list[EnrichedMention]] = {}
        for item in self.mentions:
            if item.mention.author:
                by_author.setdefault(item.mention.author, []).append(item)
        found = [
            Amplifier(
                author,
                tuple(dict.fromkeys(i.mention.source for i in items)),
                len(items),
                sum(_reach(i) for i in items),
                sum(i.mention.engagement or 0 for i in items),
                items[0].mention.published_at,
            )
            for author, items in by_author.items()
        ]
        return sorted(found, key=lambda a: (-a.reach, -a.mentions, a.first_at, a.author))[:n]

    def cumulative(self) -> list[tuple[datetime, int, int]]:
        """(time, mentions so far, sources so far) at each mention: how fast it spread."""
        seen: set[str] = set()
        points = []
        for count, item in enumerate(self.mentions, start=1):
            seen.add(item.mention.source)
            points.append((item.mention.published_at, count, len(seen)))
        return points

    def sentiment_over_time(self, interval: timedelta) -> dict[str, list[tuple[datetime, int]]]:
        """Mentions per sentiment per bucket (UTC-aligned like the stores' histograms), empty buckets
        included; mentions without a sentiment count as '-'."""
        if not self.mentions:
            return {}
        epoch = datetime.fromtimestamp(0, self.mentions[0].mention.published_at.tzinfo)
        buckets = [epoch + (m.mention.published_at - epoch) // interval * interval for m in self.mentions]
        keys = [buckets[0] + interval * i for i in range(int((buckets[-1] - buckets[0]) / interval) + 1)]
        counts = Counter(
            (bucket, m.classification.sentiment.value if m.classification.sentiment else NO_SENTIMENT)
            for bucket, m in zip(buckets, self.mentions, strict=True)
        )
        labels = sorted({label for _, label in counts})
        return {label: [(key, counts.get((key, label), 0)) for key in keys] for label in labels}

    def representative(self, per_sentiment: int = 2) -> list[EnrichedMention]:
        """The most-reached posts of each sentiment (then the earliest): what people saw most."""
        chosen: list[EnrichedMention] = []
        by_sentiment: dict[str, list[EnrichedMention]] = {}
        for item in self.mentions:
            label = item.classification.sentiment.value if item.classification.sentiment else NO_SENTIMENT
            by_sentiment.setdefault(label, []).append(item)
        for label in sorted(by_sentiment):
            ranked = sorted(by_sentiment[label], key=lambda i: (-_reach(i), i.mention.published_at))
            chosen += ranked[:per_sentiment]
        return chosen


def fetch(store: MentionStore, flt: MentionFilter) -> list[EnrichedMention]:
    """Every mention `flt` matches (up to MAX_MENTIONS), oldest first."""
    hits = store.search(flt, limit=MAX_MENTIONS)
    return sorted((hit.mention for hit in hits), key=lambda m: (m.mention.published_at, m.id))


def incident_issue(store: MentionStore, book: IncidentBook, incident_id: str) -> Issue:
    """An incident (its id or the first characters of it) with its mentions and its log."""
    row = book.find(incident_id)
    incident = row.incident
    ids = tuple(book.mention_ids(incident.id))
    mentions = fetch(store, MentionFilter(ids=ids)) if ids else []
    return Issue(incident.title, tuple(mentions), incident, tuple(book.events(incident.id)))


def story_issue(store: MentionStore, story_id: str, *, title: str | None = None) -> Issue:
    """A story: every mention sharing `story_id`; titled by its first mention."""
    mentions = fetch(store, MentionFilter(stories=(story_id,)))
    if title is None and mentions:
        first = mentions[0].mention
        title = first.title or first.text[:80]
    return Issue(title or story_id, tuple(mentions))


def biggest_incident(book: IncidentBook) -> Incident | None:
    """The incident with the most linked mentions (ties: the most recent): a notebook's default."""
    rows: Sequence[Incident] = book.all()
    if not rows:
        return None
    return max(rows, key=lambda i: (len(book.mention_ids(i.id)), i.opened_at))
