"""The MentionStore contract shared by the sqlite and elasticsearch stores.

Both implementations pass the same contract suite (tests/store/test_contract.py). Times are UTC;
windows filter on `published_at` and are half-open: since <= t < until.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from monitor.records import EnrichedMention, Label

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
    stories: tuple[str, ...] = ()
    # Exactly these mentions (an incident's, a story's); combined with the other filters.
    ids: tuple[str, ...] = ()
    # Who speaks (`Mention.role`): only these roles / none of these. A mention without a role
    # (the public, the press) never matches `roles` and always passes `exclude_roles`.
    roles: tuple[str, ...] = ()
    exclude_roles: tuple[str, ...] = ()

    def only(self, field: TermField, value: str) -> MentionFilter:
        """This filter narrowed to one value of a field `terms` counts (one group, one series)."""
        match field:
            case "source":
                return replace(self, sources=(value,))
            case "channel":
                return replace(self, channels=(value,))
            case "author":
                return replace(self, authors=(value,))
            case "sentiment":
                return replace(self, sentiment=(value,))
            case "topics":
                return replace(self, topics=(value,))
            case "flags":
                return replace(self, flags=(value,))
            case "watchlists":
                return replace(self, watchlists=(value,))
            case "story_id":
                return replace(self, stories=(value,))
        raise ValueError(f"field tidak dikenal: {field}")

    def matches(self, item: EnrichedMention) -> bool:
        """Whether a mention passes the filter, judged in memory as the stores judge it; `query`
        (full text) is left to the stores and passes here."""
        m, c = item.mention, item.classification
        if (self.since and m.published_at < self.since) or (self.until and m.published_at >= self.until):
            return False
        sentiment = c.sentiment.value if c.sentiment else None
        scalars = (
            (self.sources, m.source),
            (self.channels, m.channel),
            (self.authors, m.author),
            (self.stories, item.story_id),
            (self.ids, m.id),
        )
        for wanted, value in scalars:
            if wanted and value not in wanted:
                return False
        if self.sentiment and sentiment not in self.sentiment:
            return False
        if (self.roles and m.role not in self.roles) or (m.role is not None and m.role in self.exclude_roles):
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
        """Insert or replace by mention id; storing the same mention twice keeps one copy.
        Searches, counts and `get` may not see the batch before `refresh()`."""

    def refresh(self) -> None:
        """Make everything upserted so far visible to searches and counts (the pipeline calls it
        once per cycle, before the rules run)."""

    def get(self, mention_id: str) -> EnrichedMention | None: ...

    def relabel(self, labels: Sequence[Label]) -> UpsertResult:
        """Apply what people labelled to the stored mentions (`Label.apply`: sentiment, topics,
        flags, marked as set by a person), so searches, counts, rules and dashboards see it.
        Mentions the store does not hold are returned in `failed`; several labels for one
        mention apply in order. Idempotent."""

    def search(self, flt: MentionFilter, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """Newest first when flt.query is empty, best match first otherwise."""

    def ids(self, flt: MentionFilter, *, limit: int = 50) -> list[str]:
        """The ids of the newest matching mentions, newest first: `search` without reading
        the documents (what the engine links to an incident on every evaluation)."""

    def count(self, flt: MentionFilter, *, unique_authors: bool = False) -> int: ...

    def histogram(
        self, flt: MentionFilter, interval: timedelta, *, unique_authors: bool = False
    ) -> list[tuple[datetime, int]]:
        """Counts per bucket (of distinct authors with `unique_authors`), buckets aligned to
        multiples of `interval` since the UTC epoch; empty buckets between flt.since and
        flt.until are included when both are set."""

    def terms(self, field: TermField, flt: MentionFilter, *, size: int = 10) -> list[tuple[str, int]]:
        """The most frequent values of a field, most frequent first (ties by value)."""

    def span(self, flt: MentionFilter) -> tuple[datetime, datetime] | None:
        """The earliest and latest `published_at` among the matching mentions (UTC); None
        when nothing matches."""

    def describe(self) -> str:
        """Where the data lives, for humans (a file path or a cluster URL and alias)."""

    def close(self) -> None: ...
