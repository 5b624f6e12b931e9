"""Alert latency: a post appended to a source -> its Slack message accepted, at a sustained load.

The whole pipeline runs for real (file collector, inbox, enrich with the configured classifier,
SQLite store, an `any` rule per author, incidents, outbox, the slack-sdk client) against the local
fake Slack server from the tests. Every post is by a new author, so every post opens a new
incident: at 100 posts a second, a storm. Slack takes about one message a second per channel;
the alerter keeps that pace (`rate`) and posts the new incidents that arrive faster than it can
post them one by one as one message (`group_window`). `--open-incidents` first opens that many
incidents (delivered before the clock starts), so the storm meets a busy incident book.

The baseline, measured in the same run, is a bare `chat.postMessage` round trip to the same
server: the ratio shows what the pipeline adds. Printed besides latency: the messages posted and
the most any one second of the run carried.

    python benchmarks/bench_alert_latency.py [--rate 100] [--seconds 20] [--open-incidents 1000]
        [--slack-rate 1] [--classifier lexicon]
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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from alerters.fake_slack import FakeSlack  # noqa: E402
from localhttp import LocalHTTPServer  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from table import Figure  # noqa: E402

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


def pipeline_latency(
    slack: FakeSlack, rate: float, seconds: float, classifier: str, open_incidents: int, slack_rate: float
) -> list[float]:
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
rate = {slack_rate}
""",
        encoding="utf-8",
    )
    config = load_config(work / "monitor.toml")
    appended: dict[str, float] = {}
    delivered: dict[str, float] = {}
    alerter = build_alerters(config)["krisis"]

    class Timed:
        """The real Slack alerter, noting when Slack accepted each alert's message."""

        name = "krisis"
        group_threshold = alerter.group_threshold

        def _accepted(self, alerts):
            accepted = time.perf_counter()
            for alert in alerts:
                for mention_id in alert.mention_ids:
                    delivered.setdefault(mention_id, accepted)

        def deliver(self, alert, thread):
            return self.deliver_once(alert, thread, maybe_sent=True)

        def deliver_once(self, alert, thread, *, maybe_sent):
            ref = alerter.deliver_once(alert, thread, maybe_sent=maybe_sent)
            self._accepted([alert])
            return ref

        def deliver_group(self, alerts, thread, *, maybe_sent):
            ref = alerter.deliver_group(alerts, thread, maybe_sent=maybe_sent)
            self._accepted(alerts)
            return ref

    pipeline = build_pipeline(config, alerters={"krisis": Timed()})
    if open_incidents:
        # Incidents already open when the storm starts, their alerts delivered.
        with posts.open("a", encoding="utf-8") as handle:
            for i in range(open_incidents):
                line = {
                    "id": f"pre{i}",
                    "author": f"lama{i}",
                    "text": PHRASES[i % 3],
                    "published_at": datetime.now(UTC).isoformat(),
                }
                handle.write(json.dumps(line) + "\n")
        while pipeline.inbox.counts().get("pending", 0) or pipeline.outbox.counts().get("pending", 0) or not delivered:
            pipeline.cycle()
        delivered.clear()
    before = len(slack.messages("C0KRISIS01"))
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
    while not stop.is_set() or pipeline.inbox.counts().get("pending") or pipeline.outbox.counts().get("pending"):
        pipeline.cycle()
        time.sleep(0.05)
    pipeline.cycle()
    producer.join()
    STATS["open"] = len(pipeline.engine.incidents.rows(status="open"))
    messages = slack.messages("C0KRISIS01")[before:]
    STATS["messages"] = len(messages)
    per_second = [int(float(m["ts"])) for m in messages]
    STATS["busiest_second"] = max((per_second.count(s) for s in set(per_second)), default=0)
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


STATS: dict[str, int] = {}


@contextmanager
def fake_slack() -> Iterator[FakeSlack]:
    """The tests' fake Slack on a local HTTP server of its own."""
    server = LocalHTTPServer()
    slack = FakeSlack(server)
    try:
        yield slack
    finally:
        slack.close()
        server.close()


def figures(
    rate: float = 20.0, seconds: float = 5.0, open_incidents: int = 100, classifier: str = "default"
) -> list[Figure]:
    """Median post -> Slack-accepted latency under load, against a bare chat.postMessage."""
    with fake_slack() as slack:
        base = baseline(slack)
        latencies = pipeline_latency(slack, rate, seconds, classifier, open_incidents, 1.0)
    return [
        Figure(
            f"alert latency p50, {rate:g} posts/s for {seconds:g} s, {classifier} model",
            percentile(latencies, 0.5),
            "s",
            percentile(base, 0.5),
            "bare chat.postMessage",
            lower_is_better=True,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0, help="mentions per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--open-incidents", type=int, default=1000, help="incidents open before the storm")
    parser.add_argument("--slack-rate", type=float, default=1.0, help="messages per second the alerter allows itself")
    parser.add_argument("--classifier", default="lexicon", choices=["lexicon", "default"])
    args = parser.parse_args()
    with fake_slack() as slack:
        base = baseline(slack)
        latencies = pipeline_latency(
            slack, args.rate, args.seconds, args.classifier, args.open_incidents, args.slack_rate
        )
    b50, b99 = percentile(base, 0.5), percentile(base, 0.99)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    print(
        f"load: {args.rate:g} mentions/s for {args.seconds:g} s ({len(latencies)} alerts, each a new incident),"
        f" {args.open_incidents:,} incidents open before, classifier={args.classifier}"
    )
    print(f"baseline chat.postMessage      p50 {b50 * 1000:7.1f} ms   p99 {b99 * 1000:7.1f} ms")
    print(
        f"collected -> Slack accepted    p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms "
        f"(mean {statistics.mean(latencies) * 1000:.1f} ms)"
    )
    print(f"ratio pipeline/baseline        p50 {p50 / b50:7.1f}x     p99 {p99 / b99:7.1f}x")
    print(
        f"open incidents at the end: {STATS['open']:,}; Slack messages posted: {STATS['messages']}"
        f" (the busiest second carried {STATS['busiest_second']}; the alerter's pace: {args.slack_rate:g}/s)"
    )


if __name__ == "__main__":
    main()
