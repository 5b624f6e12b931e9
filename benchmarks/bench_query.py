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
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from monitor.enrich.query import MatchDocument, compile_watchlists
from monitor.records import Mention

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=10_000)
    parser.add_argument("--watchlists", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    keywords = keyword_watchlists(args.watchlists, rng)
    ours = compile_watchlists(keywords)
    boolean = compile_watchlists(boolean_watchlists(args.watchlists, rng))
    mentions = synthetic_mentions(args.mentions, rng)

    base_rate, base_tags = rate(baseline_matcher(keywords), mentions)
    full_rate, our_tags = rate(ours.match, mentions)
    build_rate, docs = rate(MatchDocument.from_mention, mentions)
    match_rate, _ = rate(ours.match, docs)
    boolean_rate, boolean_tags = rate(boolean.match, docs)

    base_count = sum(len(t) for t in base_tags)
    our_count = sum(len(t) for t in our_tags)
    pairs = list(zip(base_tags, our_tags, strict=True))
    only_ours = sum(len(set(o) - set(b)) for b, o in pairs)
    only_base = sum(len(set(b) - set(o)) for b, o in pairs)
    print(f"{args.mentions} mentions x {args.watchlists} watchlists (5 keywords each)")
    print(f"baseline regex per keyword           {base_rate:10.0f} mentions/s   {base_count} tags")
    print(
        f"ours, tokenize + match                {full_rate:10.0f} mentions/s   {our_count} tags"
        f"   ratio {full_rate / base_rate:.2f}x"
    )
    print(f"  tokenize only (MatchDocument)       {build_rate:10.0f} mentions/s")
    print(f"  match only, pre-built documents     {match_rate:10.0f} mentions/s   ratio {match_rate / base_rate:.2f}x")
    print(
        f"  Boolean queries (NEAR/NOT/fields)   {boolean_rate:10.0f} mentions/s   "
        f"{sum(len(t) for t in boolean_tags)} tags"
    )
    print(f"tags only ours found (alay, slang): {only_ours}; only the baseline found: {only_base}")


if __name__ == "__main__":
    main()
