"""Release pickup: which news and posts carried each of the agency's releases, and how faithfully.

A release is an official mention (monitor/enrich/roles.py). The public mentions published
within `[evaluation] pickup_days` after it carry it when they share its story (syndicated
copies), or share at least `min_shared_words` of its content words with a similarity of at least
`pickup_similarity`: the geometric mean of how much of the release the mention carries and how
much of the mention is the release's, each word weighted by how rare it is in those days (log
inverse frequency). So "bansos", "cair" and "antrean" weigh little in a week full of talk about
social aid, the programme's name and the minister's weigh much, and a short complaint that shares
only the topic's common words with a short clarification is not its pickup. Every pickup's key
facts are compared with the release's (monitor/evaluation/fidelity.py).

The mentions of the release windows are read once, in day-long pieces, over the MentionStore
protocol, so SQLite and Elasticsearch give the same answer.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from urllib.parse import urlsplit

from monitor.config import EvaluationConfig
from monitor.evaluation.facts import Fact, extract
from monitor.evaluation.fidelity import Change, changes
from monitor.records import OFFICIAL, EnrichedMention, canonical_host
from monitor.store.base import MentionFilter, MentionStore
from monitor.text.words import content_stems

log = logging.getLogger(__name__)

# Mentions read per request, and per day-long piece at most (Elasticsearch's result window).
PAGE = 500
PIECE_LIMIT = 10_000
PIECE = timedelta(days=1)
# Official mentions a listing reads at most.
RELEASE_LIMIT = 5000
NEWS = "news"


def outlet(item: EnrichedMention) -> str:
    """Who published a mention: a news site's domain, an account, or the source."""
    m = item.mention
    if m.channel == NEWS and m.url:
        host = canonical_host(urlsplit(m.url).hostname or "")
        if host:
            return host
    if m.author:
        return "@" + m.author.removeprefix("@")
    return m.source


def release_text(item: EnrichedMention) -> str:
    m = item.mention
    return f"{m.title}. {m.text}" if m.title and m.title != m.text else m.text


@dataclass(frozen=True)
class Pickup:
    """A public mention that carried the release."""

    mention: EnrichedMention
    similarity: float
    same_story: bool
    changes: tuple[Change, ...] = ()

    @property
    def outlet(self) -> str:
        return outlet(self.mention)

    @property
    def news(self) -> bool:
        return self.mention.mention.channel == NEWS


@dataclass(frozen=True)
class ReleaseReport:
    release: EnrichedMention
    facts: tuple[Fact, ...]
    pickups: tuple[Pickup, ...]  # the earliest first
    # The end of the pickup window; `complete` once it has passed.
    window_end: datetime
    complete: bool

    @property
    def id(self) -> str:
        return self.release.id

    @property
    def published_at(self) -> datetime:
        return self.release.mention.published_at

    @property
    def title(self) -> str:
        m = self.release.mention
        return m.title or m.text

    @cached_property
    def key_facts(self) -> tuple[Fact, ...]:
        """The release's facts, each once (a title and a text that repeat one), a date with its
        year rather than without."""
        kept: list[Fact] = []
        for fact in self.facts:
            same = next((i for i, k in enumerate(kept) if k.same_value(fact, 0.0)), None)
            if same is None:
                kept.append(fact)
            elif fact.kind == "date" and isinstance(fact.value, tuple) and fact.value[2]:
                kept[same] = fact
        return tuple(kept)

    @cached_property
    def outlets(self) -> tuple[str, ...]:
        """The news outlets that carried it, in the order they did."""
        return tuple(dict.fromkeys(p.outlet for p in self.pickups if p.news))

    @property
    def posts(self) -> int:
        """Pickups outside the news (social posts, videos)."""
        return sum(1 for p in self.pickups if not p.news)

    @property
    def first_pickup(self) -> timedelta | None:
        if not self.pickups:
            return None
        return self.pickups[0].mention.mention.published_at - self.published_at

    @property
    def reach(self) -> int:
        return sum(p.mention.mention.reach or 0 for p in self.pickups)

    @property
    def sentiment(self) -> dict[str, int]:
        counts = Counter(
            p.mention.classification.sentiment.value for p in self.pickups if p.mention.classification.sentiment
        )
        return {s: counts.get(s, 0) for s in ("positive", "neutral", "negative")}

    @property
    def changed(self) -> tuple[Pickup, ...]:
        """The pickups that changed a key fact."""
        return tuple(p for p in self.pickups if p.changes)


def official_posts(
    store: MentionStore, since: datetime, until: datetime, limit: int = RELEASE_LIMIT
) -> list[EnrichedMention]:
    """The agency's own mentions published in [since, until), the oldest first."""
    flt = MentionFilter(since=since, until=until, roles=(OFFICIAL,))
    found: list[EnrichedMention] = []
    while len(found) < limit:
        page = store.search(flt, limit=min(PAGE, limit - len(found)), offset=len(found))
        found += [hit.mention for hit in page]
        if len(page) < PAGE:
            break
    return sorted(found, key=lambda m: (m.mention.published_at, m.id))


def find_release(
    store: MentionStore, key: str, now: datetime, *, lookback: timedelta = timedelta(days=400)
) -> EnrichedMention:
    """The official mention with this id, or the only one whose id starts with `key`."""
    exact = store.get(key)
    if exact is not None and exact.mention.official:
        return exact
    matches = [m for m in official_posts(store, now - lookback, now + timedelta(days=1)) if m.id.startswith(key)]
    if not matches:
        raise KeyError(f"rilis '{key}' tidak ditemukan")
    if len(matches) > 1:
        raise KeyError(f"'{key}' cocok dengan {len(matches)} rilis; tulis id lebih panjang")
    return matches[0]


def _merged(windows: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _pieces(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    pieces = []
    while start < end:
        pieces.append((start, min(start + PIECE, end)))
        start += PIECE
    return pieces


class PickupFinder:
    def __init__(self, store: MentionStore, config: EvaluationConfig | None = None):
        self.store = store
        self.config = config or EvaluationConfig()

    def window(self, release: EnrichedMention, now: datetime) -> tuple[datetime, datetime]:
        start = release.mention.published_at
        return start, min(start + timedelta(days=self.config.pickup_days), max(now, start))

    def _read(self, windows: Sequence[tuple[datetime, datetime]]) -> list[EnrichedMention]:
        """The public mentions of every window, each once."""
        found: dict[str, EnrichedMention] = {}
        for start, end in _merged(windows):
            for piece_start, piece_end in _pieces(start, end):
                flt = MentionFilter(since=piece_start, until=piece_end, exclude_roles=(OFFICIAL,))
                read = 0
                while read < PIECE_LIMIT:
                    page = self.store.search(flt, limit=PAGE, offset=read)
                    found.update((hit.mention.id, hit.mention) for hit in page)
                    read += len(page)
                    if len(page) < PAGE:
                        break
                else:
                    log.warning(
                        "lebih dari %d mention antara %s dan %s; sisanya tidak dibaca",
                        PIECE_LIMIT,
                        piece_start,
                        piece_end,
                    )
        return list(found.values())

    def reports(self, releases: Sequence[EnrichedMention], now: datetime) -> list[ReleaseReport]:
        """Each release's pickups and their fidelity, in the order of `releases`."""
        windows = [self.window(r, now) for r in releases]
        candidates = self._read(windows)
        words = {m.id: content_stems(m.normalized_text) for m in candidates}
        ordered = sorted(candidates, key=lambda m: (m.mention.published_at, m.id))
        reports = []
        for release, (start, end) in zip(releases, windows, strict=True):
            inside = [m for m in ordered if start <= m.mention.published_at < end]
            # How rare a word is among the mentions of this release's own days: the same scale for
            # every release, whatever else the month held.
            frequency: Counter[str] = Counter(w for m in inside for w in words[m.id])
            total = len(inside)

            def weight(word: str, frequency: Counter[str] = frequency, total: int = total) -> float:
                # A word in most of these days' mentions says little; a rare one says much.
                return math.log((total + 1) / (frequency.get(word, 0) + 1)) + 0.1

            own = content_stems(release.normalized_text)
            own_weight = sum(weight(w) for w in own)
            facts = extract(release_text(release))
            pickups = []
            for item in inside:
                same_story = bool(release.story_id) and item.story_id == release.story_id
                shared = own & words[item.id]
                their_weight = sum(weight(w) for w in words[item.id])
                common = sum(weight(w) for w in shared)
                # How much of each the other covers, combined: a short post must carry the release's
                # rare words, not only the topic's common ones, to count.
                similarity = math.sqrt(common / own_weight * common / their_weight) if shared else 0.0
                if not same_story and (
                    len(shared) < self.config.min_shared_words or similarity < self.config.pickup_similarity
                ):
                    continue
                found = changes(facts, extract(release_text(item)), tolerance=self.config.number_tolerance)
                pickups.append(Pickup(item, round(similarity, 3), same_story, tuple(found)))
            full_end = start + timedelta(days=self.config.pickup_days)
            reports.append(ReleaseReport(release, facts, tuple(pickups), full_end, full_end <= now))
        return reports

    def report(self, release: EnrichedMention, now: datetime) -> ReleaseReport:
        return self.reports([release], now)[0]


def releases_between(
    store: MentionStore,
    since: datetime,
    until: datetime,
    config: EvaluationConfig | None = None,
    *,
    now: datetime | None = None,
) -> list[ReleaseReport]:
    """Every release published in [since, until) with its pickups (judged as of `now`)."""
    releases = official_posts(store, since, until)
    return PickupFinder(store, config).reports(releases, now or datetime.now(UTC))
