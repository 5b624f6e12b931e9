"""Collecting 500 feeds: the monitor's concurrent, polite path against a plain sequential loop,
both in the same run against the same local servers.

    PYTHONPATH=.:tests .venv/bin/python benchmarks/bench_collect.py [--feeds 500] [--hosts 100]
        [--items 20] [--latency 0.3] [--workers 32] [--per-host 2] [--gap 0.5]

The feeds are served by one local HTTP server per outlet host (127.0.0.2, 127.0.0.3, ...: the
per-host limits see them as different sites), all in a process of their own (they stand for
other machines), each answer delayed by `--latency` seconds: what
an Indonesian outlet's RSS takes to answer from an office connection (time to first byte of a
few hundred milliseconds). Each feed has `--items` distinct entries written for the tests
(tests/collectors/feeds.py).

Baseline: `for url in urls: feedparser.parse(httpx.get(url).content)` — what a first version
does. Ours: `Pipeline.collect_all()` on a configuration of `rss` sources: requests at once
(`--workers`), at most `--per-host` per host and `--gap` seconds apart, each entry cleaned,
language-identified and committed to the inbox with its cursor. Printed: seconds, mentions/s
and the ratio. Nothing leaves the machine (loopback addresses only).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path

import feedparser
import httpx

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from table import Figure  # noqa: E402

from monitor.app import load_config  # noqa: E402
from monitor.clock import SimulatedClock  # noqa: E402
from monitor.pipeline import build_pipeline  # noqa: E402
from tests.collectors.feeds import PUBLISHED, rss  # noqa: E402


class Outlet:
    """One outlet's host: its feeds, each answered after `latency` seconds."""

    def __init__(self, address: str, feeds: dict[str, bytes], latency: float):
        self.feeds = feeds

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                time.sleep(latency)
                body = feeds.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((address, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.address = address
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve_outlets(conn: Connection, hosts: int, per_host: int, items: int, latency: float) -> None:
    """In a process of its own (the outlets are other machines: their work must not take the
    collector's interpreter), start one server per host and send back the feed URLs."""
    outlets, urls = [], []
    for h in range(hosts):
        address = f"127.0.0.{h + 2}" if h < 250 else f"127.0.1.{h - 248}"
        feeds = {f"/rss/{k}.xml": rss(items, base=f"https://outlet{h}.contoh.id/kanal{k}") for k in range(per_host)}
        outlet = Outlet(address, feeds, latency)
        outlets.append(outlet)
        urls += [f"http://{address}:{outlet.port}{path}" for path in feeds]
    conn.send(urls)
    conn.recv()  # until the benchmark is done
    for outlet in outlets:
        outlet.close()


@dataclass(frozen=True)
class Collected:
    feeds: int
    baseline_s: float
    baseline_entries: int
    ours_s: float
    collected: int
    failed: list[str]


def measure(
    feeds: int = 500,
    hosts: int = 100,
    items: int = 20,
    latency: float = 0.3,
    workers: int = 32,
    per_host: int = 2,
    gap: float = 0.5,
) -> Collected:
    spawn = multiprocessing.get_context("spawn")
    ours_end, theirs = spawn.Pipe()
    server = spawn.Process(target=serve_outlets, args=(theirs, hosts, -(-feeds // hosts), items, latency), daemon=True)
    server.start()
    urls: list[str] = ours_end.recv()[:feeds]

    started = time.perf_counter()
    baseline_entries = sum(len(feedparser.parse(httpx.get(url, timeout=30).content).entries) for url in urls)
    baseline = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        body = (
            f'[monitor]\ndata_dir = "var"\n[classifier]\ntype = "lexicon"\n'
            f'[fetch]\nworkers = {workers}\nper_host = {per_host}\nper_host_gap = "{gap}s"\n'
        )
        body += "".join(
            f'[[sources]]\nname = "feed-{i:04d}"\ntype = "rss"\nurl = "{url}"\n' for i, url in enumerate(urls)
        )
        path = Path(tmp) / "monitor.toml"
        path.write_text(body, encoding="utf-8")
        pipeline = build_pipeline(load_config(path), clock=SimulatedClock(PUBLISHED), alerters={})
        started = time.perf_counter()
        reports = pipeline.collect_all()
        ours = time.perf_counter() - started
        collected = sum(r.new for r in reports)
        failed = [str(r.error) for r in reports if r.error]
        pipeline.close()
    ours_end.send("stop")
    server.join(timeout=10)
    return Collected(len(urls), baseline, baseline_entries, ours, collected, failed)


def figures(feeds: int = 100, hosts: int = 20, items: int = 20, latency: float = 0.3) -> list[Figure]:
    """Concurrent polite collection into the inbox against a sequential httpx + feedparser loop."""
    c = measure(feeds, hosts, items, latency)
    return [
        Figure(
            f"collecting {c.feeds} feeds on {hosts} hosts, {latency:g} s an answer",
            c.collected / c.ours_s,
            "mentions/s",
            c.baseline_entries / c.baseline_s,
            "sequential httpx.get + feedparser",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--gap", type=float, default=0.5)
    args = parser.parse_args()
    c = measure(args.feeds, args.hosts, args.items, args.latency, args.workers, args.per_host, args.gap)
    print(f"{c.feeds} feeds on {args.hosts} hosts, {args.items} entries each, {args.latency:g} s per answer")
    print(
        f"baseline (sequential httpx.get + feedparser.parse): {c.baseline_s:7.2f} s"
        f"  {c.baseline_entries / c.baseline_s:8.1f} entries/s"
    )
    print(
        f"ours (Pipeline.collect_all, {args.workers} workers, {args.per_host}/host, {args.gap:g} s gap, into the inbox): "
        f"{c.ours_s:7.2f} s  {c.collected / c.ours_s:8.1f} mentions/s"
    )
    print(
        f"ratio: {c.baseline_s / c.ours_s:.1f}x faster ({c.collected} mentions stored, {len(c.failed)} sources failed)"
    )
    if c.failed:
        print("first failure:", c.failed[0])


if __name__ == "__main__":
    main()
