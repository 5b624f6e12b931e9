"""Alert latency: a post appended to a source -> its Slack message accepted, at a sustained load.

The whole pipeline runs for real (file collector, inbox, enrich with the configured classifier,
SQLite store, an `any` rule per author, incidents, outbox, the slack-sdk client) against the local
fake Slack server from the tests. The baseline, measured in the same run, is a bare
`chat.postMessage` round trip to the same server: the ratio shows what the pipeline adds.

    python benchmarks/bench_alert_latency.py [--rate 20] [--seconds 20] [--classifier lexicon]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from alerters.fake_slack import FakeSlack  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from monitor.app import build_alerters, load_config  # noqa: E402
from monitor.pipeline import build_pipeline  # noqa: E402

PHRASES = [
    "Pompa di Sukasari ga nyala lg, banjir masuk rumah 😡",
    "BPBD lemot bgt, udah 3 jam nunggu perahu di cempaka",
    "Banjir lagi, dapur umum blm ada, warga kelaparan",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def baseline(slack: FakeSlack, n: int = 200) -> list[float]:
    client = WebClient(token=slack.token, base_url=slack.base_url)
    out = []
    for i in range(n):
        start = time.perf_counter()
        client.chat_postMessage(channel="C0KRISIS01", text=f"uji {i}")
        out.append(time.perf_counter() - start)
    return out


def pipeline_latency(slack: FakeSlack, rate: float, seconds: float, classifier: str) -> list[float]:
    work = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    posts = work / "posts.jsonl"
    posts.touch()
    (work / "rules").mkdir()
    (work / "rules" / "banjir.toml").write_text(
        'type = "any"\nwatchlists = ["banjir"]\ngroup_by = "author"\nwindow = "10m"\nalerters = ["krisis"]\n',
        encoding="utf-8",
    )
    os.environ["BENCH_SLACK_TOKEN"] = slack.token
    (work / "monitor.toml").write_text(
        f"""
rules_dir = "rules"
[monitor]
data_dir = "var"
evaluate_interval = "10m"
[classifier]
type = "{classifier}"
[[sources]]
name = "sosmed"
type = "file"
path = "posts.jsonl"
[watchlists]
banjir = 'banjir OR pompa OR perahu'
[alerters.krisis]
type = "slack"
token = "${{BENCH_SLACK_TOKEN}}"
channel = "C0KRISIS01"
base_url = "{slack.base_url}"
""",
        encoding="utf-8",
    )
    config = load_config(work / "monitor.toml")
    appended: dict[str, float] = {}
    delivered: dict[str, float] = {}
    alerter = build_alerters(config)["krisis"]

    class Timed:
        name = "krisis"

        def deliver(self, alert, thread):
            ref = alerter.deliver(alert, thread)
            accepted = time.perf_counter()
            for mention_id in alert.mention_ids:
                delivered.setdefault(mention_id, accepted)
            return ref

    pipeline = build_pipeline(config, alerters={"krisis": Timed()})
    stop = threading.Event()

    def produce() -> None:
        total = int(rate * seconds)
        for i in range(total):
            author = f"warga{i}"
            line = json.dumps(
                {
                    "id": str(i),
                    "author": author,
                    "text": f"{PHRASES[i % 3]} ({i})",
                    "published_at": datetime.now(UTC).isoformat(),
                }
            )
            with posts.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
            appended[str(i)] = time.perf_counter()
            time.sleep(1 / rate)
        stop.set()

    producer = threading.Thread(target=produce)
    producer.start()
    while not stop.is_set() or pipeline.inbox.counts().get("pending"):
        pipeline.cycle()
        time.sleep(0.05)
    pipeline.cycle()
    producer.join()
    # Mention ids are hashes of the platform id; map them back through the store.
    latencies = []
    for mention_id, accepted in delivered.items():
        stored = pipeline.store.get(mention_id)
        post_id = stored.mention.text.rsplit("(", 1)[1].rstrip(")") if stored else None
        if post_id in appended:
            latencies.append(accepted - appended[post_id])
    pipeline.close()
    missing = len(appended) - len(latencies)
    if missing:
        print(f"PERINGATAN: {missing} mention tidak terkirim ke Slack")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0, help="mentions per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--classifier", default="lexicon", choices=["lexicon", "default"])
    args = parser.parse_args()
    with FakeSlack() as slack:
        base = baseline(slack)
        latencies = pipeline_latency(slack, args.rate, args.seconds, args.classifier)
    b50, b99 = percentile(base, 0.5), percentile(base, 0.99)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    print(
        f"load: {args.rate:g} mentions/s for {args.seconds:g} s ({len(latencies)} alerts), classifier={args.classifier}"
    )
    print(f"baseline chat.postMessage      p50 {b50 * 1000:7.1f} ms   p99 {b99 * 1000:7.1f} ms")
    print(
        f"collected -> Slack accepted    p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms "
        f"(mean {statistics.mean(latencies) * 1000:.1f} ms)"
    )
    print(f"ratio pipeline/baseline        p50 {p50 / b50:7.1f}x     p99 {p99 / b99:7.1f}x")


if __name__ == "__main__":
    main()
