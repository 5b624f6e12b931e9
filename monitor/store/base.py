"""The MentionStore contract shared by the sqlite and elasticsearch stores.

Both implementations pass the same contract suite (tests/store/test_contract.py). Times are UTC;
windows filter on `published_at` and are half-open: since <= t < until.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from monitor.records import EnrichedMention

TermField = Literal["source", "channel", "author", "sentiment", "topics", "flags", "watchlists", "story_id"]


@dataclass(frozen=True)
class MentionFilter:
    """Which mentions a query, count or aggregation covers. Empty tuples mean 'any'."""

    since: datetime | None = None
    until: datetime | None = None
    query: str | None = None  # full-text search on title + text
    watchlists: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sentiment: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    def matches(self, item: EnrichedMention) -> bool:
        """Whether a mention passes the filter, judged in memory as the stores judge it; `query`
        (full text) is left to the stores and passes here."""
        m, c = item.mention, item.classification
        if (self.since and m.published_at < self.since) or (self.until and m.published_at >= self.until):
            return False
        sentiment = c.sentiment.value if c.sentiment else None
        for wanted, value in ((self.sources, m.source), (self.channels, m.channel), (self.authors, m.author)):
            if wanted and value not in wanted:
                return False
        if self.sentiment and sentiment not in self.sentiment:
            return False
        for wanted_any, values in ((self.watchlists, item.watchlists), (self.topics, c.topics), (self.flags, c.flags)):
            if wanted_any and not set(wanted_any) & set(values):
                return False
        return True


@dataclass(frozen=True)
class SearchHit:
    mention: EnrichedMention
    score: float = 0.0
    # Fragments of the text with matches wrapped in [[ ]] for terminals and Slack alike.
    highlights: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpsertResult:
    stored: tuple[str, ...] = ()
    # Mention id -> why the store rejected it; these stay in the inbox.
    failed: dict[str, str] = field(default_factory=dict)


class MentionStore(Protocol):
    def upsert(self, mentions: Sequence[EnrichedMention]) -> UpsertResult:
        """Insert or replace by mention id; storing the same mention twice keeps one copy."""

    def get(self, mention_id: str) -> EnrichedMention | None: ...

    def search(self, flt: MentionFilter, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """Newest first when flt.query is empty, best match first otherwise."""

    def count(self, flt: MentionFilter, *, unique_authors: bool = False) -> int: ...

    def histogram(
        self, flt: MentionFilter, interval: timedelta, *, unique_authors: bool = False
    ) -> list[tuple[datetime, int]]:
        """Counts per bucket (of distinct authors with `unique_authors`), buckets aligned to
        multiples of `interval` since the UTC epoch; empty buckets between flt.since and
        flt.until are included when both are set."""

    def terms(self, field: TermField, flt: MentionFilter, *, size: int = 10) -> list[tuple[str, int]]:
        """The most frequent values of a field, most frequent first (ties by value)."""

    def describe(self) -> str:
        """Where the data lives, for humans (a file path or a cluster URL and alias)."""

    def close(self) -> None: ...
