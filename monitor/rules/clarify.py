"""Linking a hoax mention to the official clarification already in the store.

A crisis team that gets a hoax alert first asks whether the ministry or a fact-checker has
already answered it. The store often holds the answer: a government or fact-checking article
titled "[HOAKS] ..." or "[KLARIFIKASI] ...", or one the classifier flagged `klarifikasi`. Such a
mention counts as the clarification of a hoax when it comes from an official outlet (a *.go.id
site, a known fact-checking desk, a source or domain the agency lists in `[clarifications]
official`, or the agency's own channels and accounts, `role = "official"`), was published within `lookback` before the alert, and uses at least `min_similarity`
of the hoax's content words (at least two of them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from monitor.config import ClarificationConfig
from monitor.i18n import Messages
from monitor.records import EnrichedMention, PostRef
from monitor.store.base import MentionFilter, MentionStore
from monitor.text.words import content_stems

HOAX_FLAG = "hoaks"
CLARIFICATION_FLAG = "klarifikasi"
# Fact-checking desks whose verdicts count as official (a domain, or a domain and path prefix).
FACT_CHECKERS = (
    "turnbackhoax.id",
    "cekfakta.com",
    "cekfakta.tempo.co",
    "kompas.com/cekfakta",
    "liputan6.com/cek-fakta",
    "antaranews.com/cek-fakta",
)
# Clarifications read per alert; the newest first.
CANDIDATES = 300
# Clarifications an alert quotes.
QUOTED = 2
MIN_SHARED_WORDS = 2


def _place(url: str | None) -> tuple[str, str]:
    """(domain without www., path) of a URL; empty strings when there is none."""
    if not url:
        return "", ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, parts.path


class Clarifier:
    def __init__(self, store: MentionStore, config: ClarificationConfig, say: Messages):
        self.store = store
        self.config = config
        self.say = say
        self._official = tuple(o.lower().removeprefix("www.") for o in (*FACT_CHECKERS, *config.official))

    def outlet(self, item: EnrichedMention) -> str | None:
        """Who speaks officially in this mention (its domain or source name), or None."""
        m = item.mention
        host, path = _place(m.url)
        if m.official:  # the agency's own channel or account (`role = "official"`)
            return host or m.source
        if host == "go.id" or host.endswith(".go.id"):
            return host
        where = f"{host}{path}"
        for official in self._official:
            if m.source.lower() == official:
                return m.source
            if host and (where == official or where.startswith(official.rstrip("/") + "/") or host == official):
                return host
        return None

    def for_mentions(self, mentions: Sequence[EnrichedMention], now: datetime) -> tuple[PostRef, ...]:
        """The clarifications of the hoax mentions among `mentions` (best match first)."""
        hoaxes = [m for m in mentions if HOAX_FLAG in m.classification.flags]
        if not hoaxes:
            return ()
        scope = MentionFilter(since=now - self.config.lookback, until=now, flags=(CLARIFICATION_FLAG,))
        candidates = [hit.mention for hit in self.store.search(scope, limit=CANDIDATES)]
        official = [(c, outlet) for c in candidates if (outlet := self.outlet(c))]
        if not official:
            return ()
        claims = [content_stems(h.normalized_text) for h in hoaxes]
        scored: list[tuple[float, EnrichedMention, str]] = []
        for candidate, outlet in official:
            words = content_stems(candidate.normalized_text)
            best = 0.0
            for claim in claims:
                shared = len(claim & words)
                if shared >= MIN_SHARED_WORDS and claim:
                    best = max(best, shared / len(claim))
            if best >= self.config.min_similarity:
                scored.append((best, candidate, outlet))
        scored.sort(key=lambda s: (-s[0], -s[1].mention.published_at.timestamp()))
        return tuple(
            PostRef(
                c.id,
                c.mention.title or c.mention.text[:140],
                c.mention.url,
                outlet,
                c.mention.author,
                c.mention.reach,
                c.mention.published_at,
            )
            for _, c, outlet in scored[:QUOTED]
        )
