"""Watchlist matching throughput against a naive baseline measured in the same run.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_query.py [--mentions 10000] [--watchlists 50] [--seed 7]

Baseline: what a first version would do, one compiled word-boundary regex per keyword searched
in the lower-cased title and text. Ours: `compile_watchlists` on the same keyword lists, first
including tokenization (`MatchDocument.from_mention`, one normalization per mention), then on
pre-built documents (the enrich stage can build one and share it), then with full Boolean
queries (phrases, NOT, NEAR, wildcards, fields) that the baseline cannot express. Synthetic
posts are generated from a word list written for this benchmark, with slang and alay spellings.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from table import Figure  # noqa: E402

from monitor.enrich.query import MatchDocument, compile_watchlists  # noqa: E402
from monitor.records import Mention  # noqa: E402

In = TypeVar("In")
Out = TypeVar("Out")

TOPICS = [
    "banjir",
    "genangan",
    "longsor",
    "macet",
    "sampah",
    "bansos",
    "korupsi",
    "pungli",
    "jalan rusak",
    "lampu jalan",
    "air bersih",
    "listrik padam",
    "puskesmas",
    "sekolah",
    "pasar",
    "pajak",
    "ktp",
    "pelayanan",
    "demo",
    "gempa",
    "kebakaran",
    "polusi",
    "angkot",
    "parkir liar",
    "pedagang kaki lima",
]
ACTORS = ["pemkot", "dinas PU", "dinkes", "wali kota", "camat", "lurah", "dishub", "satpol pp", "bupati", "dprd"]
PLACES = ["cibiru", "antapani", "dayeuhkolot", "braga", "cicaheum", "gedebage", "ujungberung", "sukajadi"]
# Words analysts put on watchlists that most posts do not contain.
RARE = [
    "banjir rob",
    "sodetan",
    "tanggul jebol",
    "gizi buruk",
    "stunting",
    "dbd",
    "tawuran",
    "begal",
    "pinjol",
    "judi online",
    "narkoba",
    "mogok",
    "tol",
    "bandara",
    "kereta cepat",
    "sertifikat tanah",
    "ppdb",
    "zonasi",
    "honorer",
    "asn",
    "cpns",
    "tilang",
    "bpjs",
    "rumah sakit",
    "obat",
    "vaksin",
    "harga beras",
    "minyak goreng",
    "elpiji",
    "pupuk",
    "gagal panen",
    "kekeringan",
    "angin puting beliung",
    "pohon tumbang",
    "jembatan putus",
    "sekda",
    "inspektorat",
    "kpk",
    "kejaksaan",
    "ombudsman",
]
FILLER = (
    "warga ngeluh gak ada yang peduli udah lama dari kemarin tolong dong pak bu kapan diperbaiki "
    "parah bgt sih mana petugasnya kok diam aja semoga cepat ditangani terima kasih infonya "
    "ora iso lewat piye iki please update dong b4nj1r lg parahhh mantul gercep salut"
).split()


ALAY = str.maketrans({"a": "4", "i": "1", "o": "0", "e": "3"})


def street_spelling(phrase: str, rng: random.Random) -> str:
    """How a fifth of posts write a word: alay digits ("b4nj1r") or a stretched ending ("macettt")."""
    roll = rng.random()
    if roll < 0.1:
        return phrase.translate(ALAY)
    if roll < 0.2:
        return phrase + phrase[-1] * 3
    return phrase


def synthetic_mentions(count: int, rng: random.Random) -> list[Mention]:
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    mentions = []
    for i in range(count):
        words = rng.choices(FILLER, k=rng.randint(15, 35))
        for pool, chance in ((TOPICS, 0.6), (ACTORS, 0.5), (PLACES, 0.5), (RARE, 0.1)):
            if rng.random() < chance:
                words.insert(rng.randrange(len(words) + 1), street_spelling(rng.choice(pool), rng))
        if rng.random() < 0.3:
            words.append("#" + rng.choice(TOPICS).replace(" ", ""))
        title = " ".join(rng.choices(TOPICS + ACTORS + PLACES + FILLER, k=6)).title() if rng.random() < 0.5 else ""
        mentions.append(
            Mention(
                id=str(i),
                source=rng.choice(["detik-rss", "x-bandung", "kompas-rss"]),
                channel=rng.choice(["news", "x"]),
                url=None,
                title=title,
                text=" ".join(words),
                published_at=now,
                collected_at=now,
                author=f"@warga{rng.randrange(500)}",
            )
        )
    return mentions


def keyword_watchlists(count: int, rng: random.Random) -> dict[str, list[str]]:
    # Mostly rare words, one common word, so a post matches a few watchlists rather than half.
    return {f"wl{i}": [rng.choice(TOPICS + ACTORS + PLACES), *rng.sample(RARE, 4)] for i in range(count)}


def boolean_watchlists(count: int, rng: random.Random) -> dict[str, str]:
    queries = {}
    for i in range(count):
        topic, other = rng.choice(TOPICS), rng.choice(RARE)
        actor, place = rng.choice(ACTORS), rng.choice(PLACES)
        queries[f"q{i}"] = (
            f'("{topic}" OR {other.split()[0][:4]}*) AND ("{actor}" NEAR/8 {place} OR title:{place}) NOT hoaks'
        )
    return queries


def baseline_matcher(watchlists: dict[str, list[str]]) -> Callable[[Mention], tuple[str, ...]]:
    compiled = [
        (name, [re.compile(r"\b" + re.escape(k.lower()) + r"\b") for k in keywords])
        for name, keywords in watchlists.items()
    ]

    def match(mention: Mention) -> tuple[str, ...]:
        text = f"{mention.title}\n{mention.text}".lower()
        return tuple(name for name, patterns in compiled if any(p.search(text) for p in patterns))

    return match


def rate(function: Callable[[In], Out], items: Sequence[In]) -> tuple[float, list[Out]]:
    start = time.perf_counter()
    results = [function(item) for item in items]
    return len(items) / (time.perf_counter() - start), results


@dataclass(frozen=True)
class Rates:
    base: float
    full: float
    build: float
    match: float
    boolean: float
    base_tags: list[tuple[str, ...]]
    our_tags: list[tuple[str, ...]]
    boolean_tags: list[tuple[str, ...]]


def measure(mentions: int, watchlists: int, seed: int) -> Rates:
    rng = random.Random(seed)
    keywords = keyword_watchlists(watchlists, rng)
    ours = compile_watchlists(keywords)
    boolean = compile_watchlists(boolean_watchlists(watchlists, rng))
    items = synthetic_mentions(mentions, rng)
    base_rate, base_tags = rate(baseline_matcher(keywords), items)
    full_rate, our_tags = rate(ours.match, items)
    build_rate, docs = rate(MatchDocument.from_mention, items)
    match_rate, _ = rate(ours.match, docs)
    boolean_rate, boolean_tags = rate(boolean.match, docs)
    return Rates(base_rate, full_rate, build_rate, match_rate, boolean_rate, base_tags, our_tags, boolean_tags)


def figures(mentions: int = 5_000, watchlists: int = 50, seed: int = 7) -> list[Figure]:
    """Tokenize + match against a regex per keyword, same mentions, same run."""
    r = measure(mentions, watchlists, seed)
    return [
        Figure(
            f"watchlist matching, {watchlists} watchlists",
            r.full,
            "mentions/s",
            r.base,
            "a regex per keyword",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=10_000)
    parser.add_argument("--watchlists", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    r = measure(args.mentions, args.watchlists, args.seed)
    base_count = sum(len(t) for t in r.base_tags)
    our_count = sum(len(t) for t in r.our_tags)
    pairs = list(zip(r.base_tags, r.our_tags, strict=True))
    only_ours = sum(len(set(o) - set(b)) for b, o in pairs)
    only_base = sum(len(set(b) - set(o)) for b, o in pairs)
    print(f"{args.mentions} mentions x {args.watchlists} watchlists (5 keywords each)")
    print(f"baseline regex per keyword           {r.base:10.0f} mentions/s   {base_count} tags")
    print(
        f"ours, tokenize + match                {r.full:10.0f} mentions/s   {our_count} tags"
        f"   ratio {r.full / r.base:.2f}x"
    )
    print(f"  tokenize only (MatchDocument)       {r.build:10.0f} mentions/s")
    print(f"  match only, pre-built documents     {r.match:10.0f} mentions/s   ratio {r.match / r.base:.2f}x")
    print(
        f"  Boolean queries (NEAR/NOT/fields)   {r.boolean:10.0f} mentions/s   "
        f"{sum(len(t) for t in r.boolean_tags)} tags"
    )
    print(f"tags only ours found (alay, slang): {only_ours}; only the baseline found: {only_base}")


if __name__ == "__main__":
    main()
