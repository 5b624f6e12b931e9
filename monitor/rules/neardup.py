"""Near-identical texts: word shingles, MinHash with banding for candidates, exact Jaccard to confirm.

Used by the `coordinated` rule to find many accounts posting the same template with small edits
(a name, an emoji, a link swapped). Identical texts are grouped by hash first, so a campaign of a
thousand copies costs one signature; MinHash banding then finds pairs of distinct texts whose
Jaccard similarity is likely above the bound, and each pair is confirmed exactly.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

_HASHES = 32
_MASK = (1 << 61) - 1  # a Mersenne prime: (a*x + b) mod p is a universal hash family
_SEEDS = [
    (
        int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest(), "big") % _MASK | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest(), "big") % _MASK,
    )
    for i in range(_HASHES)
]
# Links, handles and numbers are what copy-paste campaigns vary; they say nothing about the text.
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+")
SHINGLE = 3


def canonical(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text.lower()).split())


def shingles(text: str) -> frozenset[str]:
    words = canonical(text).split()
    if len(words) <= SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@lru_cache(maxsize=20_000)
def _signature(items: frozenset[str]) -> tuple[int, ...]:
    """The MinHash signature; remembered, since a window's posts are read at every evaluation."""
    hashed = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in items]
    return tuple(min((a * h + b) % _MASK for h in hashed) for a, b in _SEEDS)


def _rows(similarity: float) -> int:
    """Hashes per band. Four (8 bands) find pairs at J >= 0.75 with P >= 0.95 and rarely propose
    unrelated ones; below that two (16 bands) keep P >= 0.94 down to J = 0.4, at the price of
    checking more candidate pairs exactly."""
    return 4 if similarity >= 0.75 else 2


def clusters(texts: Sequence[str], similarity: float) -> list[list[int]]:
    """Indices of `texts` grouped into clusters of near-identical texts (singletons included)."""
    by_text: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(texts):
        by_text[canonical(text)].append(index)
    distinct = list(by_text)
    sets = [shingles(t) for t in distinct]
    parent = list(range(len(distinct)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = _rows(similarity)
    buckets: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    for i, items in enumerate(sets):
        if not items:
            continue
        signature = _signature(items)
        for band in range(_HASHES // rows):
            buckets[(band, tuple(signature[band * rows : (band + 1) * rows]))].append(i)
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        for pos, i in enumerate(members):
            for j in members[pos + 1 :]:
                pair = (i, j) if i < j else (j, i)
                if pair in checked or root(i) == root(j):
                    continue
                checked.add(pair)
                if jaccard(sets[i], sets[j]) >= similarity:
                    parent[root(i)] = root(j)
    grouped: dict[int, list[int]] = defaultdict(list)
    for i, text in enumerate(distinct):
        grouped[root(i)].extend(by_text[text])
    return [sorted(g) for g in grouped.values()]
