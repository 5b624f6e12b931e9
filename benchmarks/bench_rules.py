"""Rule evaluation time per rule type as the stored history grows.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_rules.py [--sizes 1000,10000,100000] [--repeat 5] [--seed 7]

For each size, a fresh SQLite store holds that many synthetic mentions spread over the same five
weeks (so a bigger history is a busier one: the windows hold proportionally more), with news and
social posts, several sources and stories, a buzzer campaign and a story breaking in the last hour. Each rule type is
evaluated once per repetition (after one uncounted warm-up) through the real engine on a fresh
state database, at the same moment; the median is printed with its ratio to the smallest size measured in this run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from table import Figure  # noqa: E402

from monitor.config import GeneralConfig, MonitorConfig, RuleOptions  # noqa: E402
from monitor.db import StateDB  # noqa: E402
from monitor.delivery.outbox import Outbox  # noqa: E402
from monitor.inbox import Inbox  # noqa: E402
from monitor.records import Classification, EnrichedMention, Mention, mention_id  # noqa: E402
from monitor.rules import RULE_TYPES  # noqa: E402
from monitor.rules.engine import RuleEngine  # noqa: E402
from monitor.store.types.sqlite import SqliteStore  # noqa: E402
from monitor.values import Sentiment  # noqa: E402

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
SPAN = timedelta(weeks=5)
SOURCES = [f"portal-{i}" for i in range(12)] + ["x", "tiktok", "instagram", "facebook"]
WORDS = (
    "bansos blt pkh cair belum telat dipotong antre warga kantor pos lurah camat desa data dtks salah sasaran "
    "alhamdulillah makasih kecewa parah gercep lambat petugas bantuan pangan beras sembako lansia"
).split()
CAMPAIGN = "Program bansos pemerintah sangat membantu rakyat kecil, terima kasih bapak menteri atas kerja nyatanya"

RULES = [
    {"type": "any", "flags": ["hoaks"], "window": "1h"},
    {"type": "threshold", "sentiment": ["negative"], "threshold": 20, "unique_authors": True, "group_by": "source"},
    {"type": "spike", "window": "1h", "min_count": 10},
    {"type": "negative_surge", "window": "3h", "min_volume": 20},
    {"type": "viral", "window": "1d", "min_reach": 50_000, "min_growth": 1_000},
    {"type": "new_story", "window": "2h", "min_mentions": 5},
    {"type": "coordinated", "window": "30m", "min_accounts": 5},
    {"type": "silence", "max_quiet": "1h"},
]


def synthetic(n: int, rng: random.Random) -> list[EnrichedMention]:
    mentions = []
    for i in range(n):
        published = NOW - SPAN * rng.random()
        source = rng.choice(SOURCES)
        social = source in {"x", "tiktok", "instagram", "facebook"}
        story = f"cerita-{rng.randint(0, max(n // 20, 5))}"
        if i % 200 == 0:  # buzzers: the same text, many accounts, near the end
            published = NOW - timedelta(minutes=rng.uniform(0, 25))
            text = f"{CAMPAIGN} #{i}"
        elif i % 200 == 1:  # a story nobody covered before, breaking in the last hour
            published = NOW - timedelta(minutes=rng.uniform(0, 60))
            text, story = f"Gudang beras bansos terbakar, laporan {i}", "cerita-baru"
        else:
            text = " ".join(rng.choices(WORDS, k=rng.randint(6, 25)))
        sentiment = rng.choices(["negative", "neutral", "positive"], weights=[3, 5, 2])[0]
        mention = Mention(
            id=mention_id(source, platform_id=str(i)),
            source=source,
            channel="social" if social else "news",
            url=f"https://contoh.id/{i}",
            title="" if social else text[:60],
            text=text,
            published_at=published,
            collected_at=published,
            author=f"akun{rng.randint(0, max(n // 5, 10))}",
            engagement=int(rng.paretovariate(1.2) * 10),
            reach=int(rng.paretovariate(1.1) * 200),
        )
        classification = Classification(Sentiment(sentiment), {}, (), {}, ("hoaks",) if i % 97 == 0 else (), "bench")
        mentions.append(EnrichedMention(mention, text, classification, ("bansos",), story))
    return mentions


def measure(size: int, repeat: int, seed: int, folder: Path) -> dict[str, float]:
    store = SqliteStore(folder / f"mentions-{size}.sqlite3")
    batch = synthetic(size, random.Random(seed))
    for start in range(0, len(batch), 5000):
        store.upsert(batch[start : start + 5000])
    inbox = Inbox(folder / f"inbox-{size}.sqlite3")
    for source in SOURCES:
        inbox.commit(source, [], {}, NOW - timedelta(hours=2))
    rules: list[RuleOptions] = [
        RULE_TYPES.validate(r["type"], {"name": r["type"].replace("_", "-"), **r})  # type: ignore[misc]
        for r in RULES
    ]
    config = MonitorConfig(monitor=GeneralConfig(data_dir=str(folder)), rules=tuple(rules))
    timings: dict[str, float] = {}
    for rule in rules:
        runs = []
        # Attempt 0 warms the caches (SQLite pages, imports) and is not counted.
        for attempt in range(repeat + 1):
            state = StateDB(folder / f"state-{size}-{rule.name}-{attempt}.sqlite3")
            engine = RuleEngine(config, store, state, Outbox(state), health=inbox.health)
            began = time.perf_counter()
            engine.evaluate_rule(rule, NOW)
            runs.append(time.perf_counter() - began)
            state.close()
        timings[rule.type] = statistics.median(runs[1:])
    store.close()
    inbox.close()
    return timings


def figures(small: int = 1_000, large: int = 10_000, repeat: int = 3, seed: int = 7) -> list[Figure]:
    """All rule types evaluated once at `large` mentions against the same at `small`."""
    with tempfile.TemporaryDirectory(prefix="bench-rules-") as folder:
        low = measure(small, repeat, seed, Path(folder))
        high = measure(large, repeat, seed, Path(folder))
    return [
        Figure(
            f"evaluating all {len(RULES)} rule types, {large:,} stored mentions",
            sum(high.values()),
            "s",
            sum(low.values()),
            f"{small:,} stored mentions",
            lower_is_better=True,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Loading the history is not timed; 100k mentions load in about a minute on two cores.
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-rules-") as folder:
        results = {size: measure(size, args.repeat, args.seed, Path(folder)) for size in sizes}
    base = sizes[0]
    header = f"{'tipe aturan':<16}" + "".join(f"{f'{s:,} mention':>26}" for s in sizes)
    print(f"Waktu evaluasi satu aturan (median dari {args.repeat}), rasio terhadap {base:,} mention:")
    print(header)
    for kind in results[base]:
        cells = []
        for size in sizes:
            ms = results[size][kind] * 1000
            ratio = results[size][kind] / results[base][kind] if results[base][kind] else float("nan")
            cells.append(f"{ms:>12.1f} ms ({ratio:>6.1f}×)")
        print(f"{kind:<16}" + "".join(f"{c:>26}" for c in cells))


if __name__ == "__main__":
    main()
