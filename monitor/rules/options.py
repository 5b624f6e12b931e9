"""Options shared by the rule types that read mentions in a window (every type but `silence`).

The keys every rule file has (name, severity, alerters, cooldown, ...) are `RuleOptions` in
monitor/config.py; each rule type's own Options (monitor/rules/types/) builds on these.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from monitor.config import RuleOptions
from monitor.records import OFFICIAL
from monitor.store.base import MentionFilter
from monitor.values import Duration, Sentiment

GroupField = Literal["", "source", "channel", "author", "watchlist", "topic"]
# The agency's own posts (`role = "official"`): left out of a rule that watches the public,
# taken in as well, or the only ones it looks at.
OfficialChoice = Literal["exclude", "include", "only"]


class FilteredRule(RuleOptions):
    """A rule over the mentions that pass its filters in a window."""

    watchlists: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sentiment: tuple[Sentiment, ...] = ()
    flags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    window: Duration = timedelta(hours=1)
    # Late-arriving data: evaluate the window that ended this long ago.
    delay: Duration = timedelta(0)
    # The agency's own posts and releases: "exclude" (the public only), "include" or "only".
    official: OfficialChoice = "exclude"

    @property
    def evaluation_window(self) -> timedelta:
        return self.window

    @property
    def evaluation_delay(self) -> timedelta:
        return self.delay

    @property
    def watched_watchlists(self) -> tuple[str, ...]:
        return self.watchlists

    def filter(self, start: datetime, end: datetime) -> MentionFilter:
        return MentionFilter(
            since=start,
            until=end,
            watchlists=self.watchlists,
            topics=self.topics,
            sentiment=tuple(s.value for s in self.sentiment),
            flags=self.flags,
            sources=self.sources,
            channels=self.channels,
            roles=(OFFICIAL,) if self.official == "only" else (),
            exclude_roles=(OFFICIAL,) if self.official == "exclude" else (),
        )

    def subject(self) -> MentionFilter:
        """What the public says about the rule's subject, whatever its tone: the rule's filter
        without its sentiment and without official posts (how a response is judged)."""
        return MentionFilter(
            watchlists=self.watchlists,
            topics=self.topics,
            flags=self.flags,
            sources=self.sources,
            channels=self.channels,
            exclude_roles=(OFFICIAL,),
        )


class GroupedRule(FilteredRule):
    """A rule that can keep one incident per value of a mention field."""

    # "" (one incident per rule) or one incident per value of a mention field.
    group_by: GroupField = ""
