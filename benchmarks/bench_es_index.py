"""Indexing throughput of ElasticsearchStore.upsert against a plain `helpers.bulk` loop.

    bash .ci/elasticsearch.sh start
    PYTHONPATH=. .venv/bin/python benchmarks/bench_es_index.py [--url http://127.0.0.1:9200]
        [--mentions 20000] [--batch 1000] [--rounds 3]

Both paths index the same documents into their own indices (same template) on the same node in
the same run, alternating rounds; the best round of each is reported. The baseline is what a
first version would do: `elasticsearch.helpers.bulk` over `to_document` dicts, no refresh. The
store does more per batch (idempotent routing to the month's index, item-level retry handling
and a refresh so rules see the batch at once); `refresh=false` shows what that refresh costs.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from elasticsearch import helpers

from monitor.records import Classification, EnrichedMention, Mention
from monitor.store.es_admin import init, monthly_indices
from monitor.store.mappings import component_templates
from monitor.store.types.elasticsearch import ElasticsearchOptions, ElasticsearchStore, to_document
from monitor.values import Sentiment

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("MONITOR_TEST_ES_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1_000, help="mentions per upsert call (one pipeline batch)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    mentions = synthetic(args.mentions, args.seed)
    stores = {
        name: ElasticsearchStore.from_options(
            ElasticsearchOptions(hosts=[args.url], index_prefix=f"bench-{name}-idx", replicas=0, refresh=refresh)
        )
        for name, refresh in (("store", True), ("store-norefresh", False), ("baseline", False))
    }
    for store in stores.values():
        init(store)

    def run_store(store: ElasticsearchStore, round_no: int) -> None:
        # A new title per round makes every round a real update, not a no-op.
        batch = [replace(m, mention=replace(m.mention, title=f"{m.mention.title} {round_no}")) for m in mentions]
        for start in range(0, len(batch), args.batch):
            result = store.upsert(batch[start : start + args.batch])
            assert not result.failed, result.failed

    def run_baseline(round_no: int) -> None:
        store = stores["baseline"]
        actions = (
            {
                "_index": store.index_for(m.mention.published_at),
                "_id": m.id,
                "_source": {**to_document(m), "title": f"{m.mention.title} {round_no}"},
            }
            for m in mentions
        )
        ok, errors = helpers.bulk(store.client, actions, chunk_size=500)
        assert ok == len(mentions) and not errors

    best: dict[str, float] = {}
    for round_no in range(args.rounds):
        runs = {
            "baseline": functools.partial(run_baseline, round_no),
            "store": functools.partial(run_store, stores["store"], round_no),
            "store-norefresh": functools.partial(run_store, stores["store-norefresh"], round_no),
        }
        for name, fn in runs.items():
            seconds = timed(fn)
            best[name] = min(best.get(name, seconds), seconds)
            print(f"round {round_no + 1} {name:16s} {args.mentions / seconds:9.0f} docs/s")

    for store in stores.values():
        store.client.indices.refresh(index=store.alias)
    counts = {name: store.client.count(index=store.alias)["count"] for name, store in stores.items()}
    assert set(counts.values()) == {args.mentions}, counts  # re-indexing rounds never duplicated

    rate = {name: args.mentions / seconds for name, seconds in best.items()}
    print(f"\n{args.mentions} mentions, batches of {args.batch}, best of {args.rounds} rounds")
    print(f"helpers.bulk baseline          {rate['baseline']:9.0f} docs/s")
    print(f"ElasticsearchStore.upsert      {rate['store']:9.0f} docs/s   ratio {rate['store'] / rate['baseline']:.2f}")
    ratio = rate["store-norefresh"] / rate["baseline"]
    print(f"  ... with refresh=false       {rate['store-norefresh']:9.0f} docs/s   ratio {ratio:.2f}")

    for store in stores.values():
        indices = monthly_indices(store)
        store.client.indices.delete(index=",".join(indices))
        store.client.indices.delete_index_template(name=store.alias)
        for name in component_templates(store.alias):
            store.client.cluster.delete_component_template(name=name)
        store.close()


if __name__ == "__main__":
    main()
