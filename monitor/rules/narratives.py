"""Posts that push the same narrative in their own words: shared rare phrases plus similar meaning.

Buzzer campaigns paraphrase: a hundred accounts each write an essay for "Vaksin Merah Putih",
and almost no two share three words in a row, so near-duplicate text (neardup.py) sees nothing.
What they cannot avoid sharing is the narrative's own vocabulary, phrases and hashtags that the
topic's ordinary talk does not use (rare against the weeks before), and what they say: their
meaning, as the weighted mean of the corpus word vectors the classifier ships (smooth inverse
frequency weights, the topic's common direction removed, so "about vaccines" is not what makes
two posts alike). Two posts belong together when they share a rare marker and their meanings are
at least `similarity` alike (cosine); a narrative is a connected group of such posts whose mean
pairwise similarity is at least `similarity` too (chained pairs about an event are not one message).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from monitor.classify.wordvec import WordVectors
from monitor.records import EnrichedMention
from monitor.text.words import is_content

# A marker is rare when at most this share of the weeks before used it ...
RARE_SHARE = 0.01
# ... and shared when at least this many accounts use it now.
SHARED_ACCOUNTS = 3
# Smooth inverse frequency: a word's weight is SIF_A / (SIF_A + its frequency).
SIF_A = 1e-3


@lru_cache(maxsize=50_000)
def markers(normalized: str) -> frozenset[str]:
    """Hashtags, and two- and three-word phrases of content words (the same posts are read at
    every evaluation: remembered)."""
    words = normalized.split()
    found = {w for w in words if w.startswith("#") and len(w) > 3}
    content = [w if is_content(w) else "" for w in words]
    found.update(f"{a} {b}" for a, b in pairwise(content) if a and b)
    found.update(f"{a} {b} {c}" for a, b, c in zip(content, content[1:], content[2:], strict=False) if a and b and c)
    return frozenset(found)


@dataclass(frozen=True)
class Narrative:
    members: tuple[int, ...]
    # Rare markers by how many of the narrative's accounts used them, most first.
    shared: tuple[tuple[str, int], ...]
    # Mean cosine similarity between the members' meanings.
    cohesion: float


def rare_markers(window: Sequence[EnrichedMention], before: Sequence[EnrichedMention]) -> dict[str, set[int]]:
    """Marker -> the window posts using it, for markers rare before and shared by accounts now."""
    earlier: Counter[str] = Counter()
    for m in before:
        earlier.update(markers(m.normalized_text))
    limit = max(1.0, RARE_SHARE * len(before))
    posts: dict[str, set[int]] = defaultdict(set)
    for i, m in enumerate(window):
        for marker in markers(m.normalized_text):
            if earlier[marker] <= limit:
                posts[marker].add(i)
    return {
        marker: found
        for marker, found in posts.items()
        if len({window[i].mention.author for i in found}) >= SHARED_ACCOUNTS
    }


@lru_cache(maxsize=50_000)
def _tokens(text: str) -> tuple[str, ...]:
    """Word tokens of a text, remembered: the same baseline posts are read at every evaluation."""
    from monitor.classify.wordvec import word_tokens

    return tuple(word_tokens(text))


def meanings(
    vectors: WordVectors | None, window: Sequence[EnrichedMention], before: Sequence[EnrichedMention]
) -> np.ndarray | None:
    """Unit meaning vectors of the window's posts (rows), or None without word vectors."""
    if vectors is None:
        return None
    texts = [vectors.ids(_tokens(m.mention.text)) for m in window]
    background = [vectors.ids(_tokens(m.mention.text)) for m in before]
    # Smooth inverse frequency over the words of the window and the weeks before.
    counts = np.bincount(
        np.concatenate([*texts, *background, np.zeros(0, dtype=np.int64)]), minlength=len(vectors.vocab)
    )
    weights = SIF_A / (SIF_A + counts / max(int(counts.sum()), 1))
    found = vectors.mean_of(texts, weights)
    common = vectors.mean_of(background, weights).mean(axis=0) if background else found.mean(axis=0)
    centred: np.ndarray = found - common
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    unit: np.ndarray = centred / np.maximum(norms, 1e-9)
    return unit


def _components(linked: np.ndarray) -> list[list[int]]:
    """Connected components of a symmetric boolean adjacency matrix (breadth first, by rows)."""
    label = np.full(len(linked), -1)
    groups: list[list[int]] = []
    for seed in range(len(linked)):
        if label[seed] >= 0:
            continue
        member = np.zeros(len(linked), dtype=bool)
        member[seed] = True
        frontier = member.copy()
        while frontier.any():
            frontier = linked[frontier].any(axis=0) & ~member
            member |= frontier
        found = np.flatnonzero(member)
        label[found] = len(groups)
        groups.append([int(i) for i in found])
    return groups


def narratives(
    window: Sequence[EnrichedMention],
    before: Sequence[EnrichedMention],
    vectors: WordVectors | None,
    *,
    similarity: float,
    min_accounts: int = 2,
) -> list[Narrative]:
    """Connected groups of window posts that share a rare marker and mean alike, written by at
    least `min_accounts` accounts."""
    rare = rare_markers(window, before)
    if not rare:
        return []
    names = sorted(rare)
    uses = np.zeros((len(window), len(names)), dtype=np.float32)
    for column, marker in enumerate(names):
        uses[sorted(rare[marker]), column] = 1
    sharing = (uses @ uses.T) >= 1
    unit = meanings(vectors, window, before)
    # Without word vectors two shared rare markers stand in for similar meaning.
    linked = (uses @ uses.T) >= 2 if unit is None else sharing & ((unit @ unit.T) >= similarity)
    np.fill_diagonal(linked, False)
    result = []
    for members in _components(linked):
        if len({window[i].mention.author for i in members}) < min_accounts:
            continue
        accounts: dict[str, set[str | None]] = defaultdict(set)
        for marker, found in rare.items():
            for i in found.intersection(members):
                accounts[marker].add(window[i].mention.author)
        shared = sorted(((m, len(a)) for m, a in accounts.items()), key=lambda x: (-x[1], -len(x[0].split()), x[0]))
        cohesion = 0.0
        if unit is not None:
            block = unit[members] @ unit[members].T
            cohesion = float((block.sum() - len(members)) / (len(members) * (len(members) - 1)))
            # Pairs can chain a long way; a narrative says one thing as a whole.
            if cohesion < similarity:
                continue
        result.append(Narrative(tuple(members), tuple(_distinct(shared)), cohesion))
    return result


def _distinct(shared: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Markers without those that are part of a marker already listed with as many accounts."""
    kept: list[tuple[str, int]] = []
    for marker, n in shared:
        if not any(n <= m and f" {marker} " in f" {longer} " for longer, m in kept):
            kept.append((marker, n))
    return kept
