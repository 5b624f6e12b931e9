"""The rule-type contract: test a condition over a time window against the store.

A rule type is a module in `types/` exporting `PLUGIN = Plugin(Options, build)`; what it builds
has one verb, `evaluate(ctx) -> list[Finding]`. It never alerts by itself: the engine turns
findings into incidents and alerts. Every type reads the store only through the MentionStore
protocol (count, histogram, terms, search), so it works the same on SQLite and Elasticsearch.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Protocol

from monitor.config import RuleOptions
from monitor.i18n import Messages
from monitor.inbox import SourceHealth
from monitor.records import EnrichedMention
from monitor.rules.calendar import Calendar
from monitor.rules.memory import RuleMemory
from monitor.rules.options import FilteredRule, GroupedRule
from monitor.store.base import MentionFilter, MentionStore, TermField

# How many of the newest mentions in the window a type inspects one by one.
SCAN_LIMIT = 2000
# Groups per rule and evaluation: enough for every author of a busy hour; terms() is cut here.
MAX_GROUPS = 10_000


@dataclass(frozen=True)
class Finding:
    """A rule's condition holds for one group."""

    group_key: str
    count: int
    summary: str
    window_start: datetime
    window_end: datetime
    filter: MentionFilter
    baseline: float | None = None
    # The mentions that make the finding, when the type looked at them one by one; the alert
    # quotes them without fetching them again. Empty: the alert looks them up by `filter`.
    mentions: tuple[EnrichedMention, ...] = ()
    # What the group is, for people ("@akun: isi unggahan", a story's title); defaults to the key.
    label: str = ""
    # Why it fired, one line each (expected against observed, the words and accounts behind it);
    # or `explain`, asked only when an alert is actually sent (the explanation reads history).
    evidence: tuple[str, ...] = ()
    explain: Callable[[], tuple[str, ...]] | None = None

    @property
    def mention_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.mentions)


@dataclass(frozen=True)
class RuleContext:
    store: MentionStore
    # The window the rule tests: [start, end), already shifted back by the late-data delay.
    start: datetime
    end: datetime
    # The moment being evaluated (end + delay): what `silence` compares against.
    now: datetime
    # Mentions this rule already reported (for `any`), so a restart never re-sends.
    already_seen: Callable[[list[str]], set[str]]
    memory: RuleMemory
    # What summaries are written in.
    say: Messages
    # The collector's health per source (monitor/inbox.py), for `silence`; None where unknown.
    health: Callable[[], list[SourceHealth]] | None = None
    # The configured, enabled sources: a `silence` rule without `sources` watches all of them.
    sources: tuple[str, ...] = ()
    # Holidays, Ramadan and the team's own events (`[calendar]`).
    calendar: Calendar = field(default_factory=Calendar)

    @property
    def window(self) -> str:
        return self.say.duration(self.end - self.start)


class RuleType(Protocol):
    def evaluate(self, ctx: RuleContext) -> list[Finding]: ...


@dataclass(frozen=True)
class Scope:
    """The mentions published in [end - before, end - until), `end` being the evaluated window's
    end. `entering` / `leaving`: whether a mention coming into / going out of the scope can make
    a rule that is not firing fire (more mentions in a window can, fewer cannot)."""

    before: timedelta
    until: timedelta = timedelta(0)
    entering: bool = True
    leaving: bool = True


@dataclass(frozen=True)
class Watch:
    """What a rule type's result depends on, so a replay or a backtest can skip the evaluations
    whose result cannot differ from the last one (monitor/rules/lazy.py).

    A type that sets `watch` on its evaluator promises: while it has no open incident, evaluating
    at a later moment gives no findings, and changes nothing, unless a matching mention was stored
    in a scope or crossed one of its edges the way the scope says matters, or a tick boundary
    passed while the first scope held mentions. Types without it (`silence`) are evaluated at
    every step."""

    scopes: tuple[Scope, ...]
    # The result also depends on the clock in steps of this length (aligned to the UTC epoch).
    tick: timedelta | None = None
    # The result also depends on when the store's first mention (of any rule) was published.
    history_start: bool = False

    @classmethod
    def window(cls, window: timedelta, *earlier: Scope) -> Watch:
        """The window, where only mentions coming in matter, then any `earlier` scopes."""
        return cls((Scope(window, leaving=False), *earlier))

    @cached_property
    def edges(self) -> frozenset[float]:
        """Offsets (seconds before the window's end) where a crossing mention matters."""
        found = {s.until.total_seconds() for s in self.scopes if s.entering}
        found |= {s.before.total_seconds() for s in self.scopes if s.leaving}
        return frozenset(found)


_GROUP_TERMS: dict[str, TermField] = {
    "source": "source",
    "channel": "channel",
    "author": "author",
    "watchlist": "watchlists",
    "topic": "topics",
}


def grouped_filters(
    rule: GroupedRule, flt: MentionFilter, store: MentionStore, also: tuple[MentionFilter, ...] = ()
) -> list[tuple[str, MentionFilter]]:
    """One filter per value of the rule's group_by field (or the rule's own filter when none).

    Groups are the values present in the window, plus those present under the `also` filters
    (a drop to zero leaves no value in the window to group by)."""
    if not rule.group_by:
        return [("", flt)]
    field = _GROUP_TERMS[rule.group_by]
    values: dict[str, None] = {}
    for scope in (flt, *also):
        values.update((value, None) for value, _ in store.terms(field, scope, size=MAX_GROUPS))
    return [(value, narrowed(flt, rule.group_by, value)) for value in values]


def narrowed(flt: MentionFilter, group_by: str, value: str) -> MentionFilter:
    """`flt` narrowed to one value of the grouping field ("": no grouping, `flt` itself)."""
    return flt.only(_GROUP_TERMS[group_by], value) if group_by else flt


def subject_filter(rule: RuleOptions, group_key: str) -> MentionFilter | None:
    """What the public says about an incident's subject, whatever its tone (the rule's filter
    without sentiment or official posts, narrowed to the incident's group); None for rule types
    that read no mentions (`silence`). How a response to the incident is judged."""
    if not isinstance(rule, FilteredRule):
        return None
    flt = rule.subject()
    if isinstance(rule, GroupedRule) and rule.group_by and group_key:
        flt = narrowed(flt, rule.group_by, group_key)
    return flt


def post_label(mention: EnrichedMention) -> str:
    """'@akun: the post's first 80 characters', for an incident's title."""
    m = mention.mention
    text = (m.title or m.text).replace("\n", " ")
    short = text if len(text) <= 80 else text[:79] + "…"
    return f"@{m.author}: {short}" if m.author else short


def campaign_key(memory: RuleMemory, members: Sequence[EnrichedMention], prefix: str) -> str:
    """One key for a campaign while it runs: each post remembers the key of the group it was
    first seen in, and a group takes the key most of its posts already carry."""
    known = memory.get_many((f"coord:{m.id}" for m in members), str)
    if known:
        key = Counter(known.values()).most_common(1)[0][0]
    else:
        first = min(members, key=lambda m: (m.mention.published_at, m.id))
        key = f"{prefix}-" + hashlib.sha256(first.id.encode()).hexdigest()[:10]
    for m in members:
        if known.get(f"coord:{m.id}") != key:
            memory.put(f"coord:{m.id}", key)
    return key
