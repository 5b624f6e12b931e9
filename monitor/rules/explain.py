"""What drives a burst: the words and sources far more common in the window than before it.

A team that gets "48 mentions, usually 4" next asks what they are about. The words (content
words, hashtags and two-word phrases) are counted per mention in the window and in a sample of
the days before it; a term drives the burst when it is in a good part of the window's mentions
and several times more common there than before (JLH-style: share x log lift). Sources the same
way, from the store's own counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from monitor.records import EnrichedMention
from monitor.store.base import MentionFilter, MentionStore
from monitor.text.words import is_content

# A driving term is in at least this share of the window's mentions (and in 3 of them) ...
MIN_SHARE = 0.2
MIN_DOCS = 3
# ... and at least this many times as common as before.
MIN_LIFT = 2.0


@dataclass(frozen=True)
class Driver:
    term: str
    # Mentions holding it in the window, out of `total`; its share before.
    count: int
    total: int
    before: float

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


def terms_of(normalized: str) -> set[str]:
    """Hashtags, content words and two-word phrases of content words, once per mention."""
    words = normalized.split()
    found = {w for w in words if w.startswith("#") and len(w) > 2}
    content = [w if is_content(w) else "" for w in words]
    found.update(w for w in content if w)
    found.update(f"{a} {b}" for a, b in pairwise(content) if a and b)
    return found


def _frequencies(mentions: Iterable[EnrichedMention]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    n = 0
    for m in mentions:
        counts.update(terms_of(m.normalized_text))
        n += 1
    return counts, n


def driving_terms(
    window: Sequence[EnrichedMention], before: Sequence[EnrichedMention], *, limit: int = 3
) -> list[Driver]:
    now, n = _frequencies(window)
    then, m = _frequencies(before)
    scored = []
    for term, a in now.items():
        if a < max(MIN_DOCS, MIN_SHARE * n):
            continue
        share, share_before = a / n, (then[term] + 0.5) / (m + 1)
        if share / share_before < MIN_LIFT:
            continue
        scored.append((share * math.log(share / share_before), Driver(term, a, n, then[term] / m if m else 0.0)))
    scored.sort(key=lambda s: (-s[0], s[1].term))
    chosen: list[Driver] = []
    for _, driver in scored:
        # A phrase already chosen says more than its words on their own (and the other way).
        if any(driver.term in c.term.split() or c.term in driver.term.split() for c in chosen):
            continue
        chosen.append(driver)
        if len(chosen) == limit:
            break
    return chosen


def driving_sources(
    store: MentionStore, window: MentionFilter, before: MentionFilter, *, limit: int = 2
) -> list[Driver]:
    """The sources with the largest excess over their usual share."""
    now = store.terms("source", window, size=20)
    then = dict(store.terms("source", before, size=200))
    n, m = sum(c for _, c in now), sum(then.values())
    if not n:
        return []
    excess = sorted(
        ((count - n * (then.get(source, 0) / m if m else 0.0), source, count) for source, count in now),
        key=lambda e: (-e[0], e[1]),
    )
    return [
        Driver(source, count, n, then.get(source, 0) / m if m else 0.0)
        for gain, source, count in excess[:limit]
        if gain > 0
    ]
