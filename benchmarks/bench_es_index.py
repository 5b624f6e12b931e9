"""Indexing throughput of ElasticsearchStore.upsert against a plain `helpers.bulk` loop.

    bash .ci/elasticsearch.sh start
    PYTHONPATH=. .venv/bin/python benchmarks/bench_es_index.py [--url http://127.0.0.1:9200]
        [--mentions 20000] [--batch 1000] [--cycle 5000] [--rounds 3]

Both paths index the same documents into their own indices (same template) on the same node in
the same run, alternating rounds; the best round of each is reported. The baseline is what a
first version would do: `elasticsearch.helpers.bulk` over `to_document` dicts, no refresh at all.
The store does more: idempotent routing to the month's index (and the lookup that removes a copy
left in another month), item-level retry handling, and one `refresh()` per `--cycle` mentions,
as the pipeline refreshes once per evaluation so the rules see what was stored. Every round
re-indexes every document; the counts at the end prove no copy was made.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from elasticsearch import helpers

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from table import Figure, render  # noqa: E402

from monitor.records import Classification, EnrichedMention, Mention  # noqa: E402
from monitor.store.es_admin import init, monthly_indices  # noqa: E402
from monitor.store.mappings import component_templates  # noqa: E402
from monitor.store.types.elasticsearch import ElasticsearchOptions, ElasticsearchStore, to_document  # noqa: E402
from monitor.values import Sentiment  # noqa: E402

WORDS = (
    "banjir genangan warga pemkot dinas pompa tanggul rob jalan rusak macet bansos antrean lansia "
    "kelurahan puskesmas petugas damkar gercep mantul parah bgt gak ada yang peduli tolong dong "
    "pak wali kota sudah lama kemarin sore pagi ini b4nj1r lg parahhh ora iso lewat piye iki 🙏 😡"
).split()
SOURCES = ["detik", "kompas", "tempo", "x", "mastodon", "youtube", "bluesky"]
TOPICS = ["bencana", "infrastruktur", "bansos", "layanan", "kesehatan", "transportasi"]


def synthetic(count: int, seed: int) -> list[EnrichedMention]:
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    out = []
    for n in range(count):
        text = " ".join(rng.choices(WORDS, k=rng.randint(12, 40)))
        published = start + timedelta(minutes=rng.randint(0, 60 * 24 * 55))  # spans two months
        source = rng.choice(SOURCES)
        mention = Mention(
            id=f"bench-{n:07d}",
            source=source,
            channel="news" if source in SOURCES[:3] else "social",
            url=f"https://contoh.id/{n}",
            title=" ".join(rng.choices(WORDS, k=8)),
            text=text,
            published_at=published,
            collected_at=published + timedelta(minutes=2),
            author=f"@akun{rng.randint(1, 500)}",
            language="id",
            engagement=rng.randint(0, 5000),
            reach=rng.randint(0, 200_000),
        )
        sentiment = rng.choice(list(Sentiment))
        classification = Classification(
            sentiment=sentiment,
            scores={sentiment.value: 0.8},
            topics=tuple(rng.sample(TOPICS, 2)),
            topic_scores={},
            flags=("keluhan",) if rng.random() < 0.2 else (),
            model="bench",
        )
        out.append(EnrichedMention(mention, text.lower(), classification, watchlists=("banjir",)))
    return out


def timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def figures(
    url: str, mentions: int = 20_000, batch: int = 1_000, cycle: int = 5_000, rounds: int = 3, seed: int = 7
) -> list[Figure]:
    """The store's indexing rate against helpers.bulk's, best of `rounds` each."""
    items = synthetic(mentions, seed)
    stores = {
        name: ElasticsearchStore.from_options(
            ElasticsearchOptions(hosts=[url], index_prefix=f"bench-{name}-idx", replicas=0)
        )
        for name in ("store", "baseline")
    }
    for store in stores.values():
        init(store)

    # A new title per round makes every round a real update, not a no-op; the store's records are
    # made before the clock starts (the baseline edits a dict it builds anyway).
    retitled = [
        [replace(m, mention=replace(m.mention, title=f"{m.mention.title} {round_no}")) for m in items]
        for round_no in range(rounds)
    ]

    def run_store(round_no: int) -> None:
        store = stores["store"]
        docs = retitled[round_no]
        for start in range(0, len(docs), batch):
            result = store.upsert(docs[start : start + batch])
            assert not result.failed, result.failed
            if (start + batch) % cycle < batch or start + batch >= len(docs):
                store.refresh()

    def run_baseline(round_no: int) -> None:
        store = stores["baseline"]
        actions = (
            {
                "_index": store.index_for(m.mention.published_at),
                "_id": m.id,
                "_source": {**to_document(m), "title": f"{m.mention.title} {round_no}"},
            }
            for m in items
        )
        ok, errors = helpers.bulk(store.client, actions, chunk_size=500)
        assert ok == len(items) and not errors

    best: dict[str, float] = {}
    try:
        for round_no in range(rounds):
            for name, fn in (("baseline", run_baseline), ("store", run_store)):
                seconds = timed(functools.partial(fn, round_no))
                best[name] = min(best.get(name, seconds), seconds)
        for store in stores.values():
            store.client.indices.refresh(index=store.alias)
        counts = {name: store.client.count(index=store.alias)["count"] for name, store in stores.items()}
        assert set(counts.values()) == {mentions}, counts  # re-indexing rounds never duplicated
    finally:
        for store in stores.values():
            indices = monthly_indices(store)
            if indices:
                store.client.indices.delete(index=",".join(indices))
            store.client.indices.delete_index_template(name=store.alias)
            for name in component_templates(store.alias):
                store.client.cluster.delete_component_template(name=name)
            store.close()
    return [
        Figure(
            f"Elasticsearch indexing, {mentions:,} mentions, refresh per {cycle:,}",
            mentions / best["store"],
            "docs/s",
            mentions / best["baseline"],
            "helpers.bulk, no refresh",
            target=0.9 * mentions / best["baseline"],
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("MONITOR_TEST_ES_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000, help="mentions per upsert call (one pipeline batch)")
    parser.add_argument("--cycle", type=int, default=5_000, help="mentions per refresh (one pipeline cycle)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(render(figures(args.url, args.mentions, args.batch, args.cycle, args.rounds, args.seed)))


if __name__ == "__main__":
    main()
