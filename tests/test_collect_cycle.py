"""`monitor once` collects every source at once, politely: one slow source never delays the
others, a 429 defers its host, failures back off, and the same story from two sources is one
mention counted once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from conftest import T0
from localhttp import LocalHTTPServer, Reply

from monitor.app import load_config
from monitor.clock import SimulatedClock
from monitor.pipeline import build_pipeline
from monitor.store.base import MentionFilter
from tests.collectors.feeds import rss

FETCH = '[fetch]\nper_host = 8\nper_host_gap = "0s"\nworkers = 16\n'


def source(name: str, url: str, **extra: str) -> str:
    keys = "".join(f'{k} = "{v}"\n' for k, v in extra.items())
    return f'[[sources]]\nname = "{name}"\ntype = "rss"\nurl = "{url}"\n{keys}\n'


@pytest.mark.slow
def test_a_slow_source_does_not_delay_the_others(write_config, http_server):
    http_server.serve("/lambat", Reply(200, rss(2, base="https://lambat.contoh.id"), delay=3.0))
    body = FETCH + source("lambat", http_server.url("/lambat"))
    for i in range(10):
        http_server.serve(f"/cepat{i}", Reply(200, rss(2, base=f"https://cepat{i}.contoh.id"), delay=0.3))
        body += source(f"cepat-{i}", http_server.url(f"/cepat{i}"))
    pipeline = build_pipeline(load_config(write_config(body)), clock=SimulatedClock(T0), alerters={})
    started = time.monotonic()
    reports = pipeline.collect_all()
    took = time.monotonic() - started
    assert [r.new for r in reports] == [2] * 11 and not any(r.error for r in reports)
    assert took < 4.5, f"{took:.1f} s: the sources ran one after another (3 s + 10 x 0.3 s)"
    pipeline.close()


def test_same_url_from_two_sources_is_counted_once_and_never_flips(write_config, http_server):
    feed = rss(3)
    http_server.serve("/warta", Reply(200, feed))
    # The same articles through the mobile site, without tracking parameters, with the outlet's
    # other feed's own summaries.
    http_server.serve(
        "/kabar",
        Reply(
            200,
            feed.replace(b"https://warta", b"https://m.warta")
            .replace(b"?utm_source=rss", b"")
            .replace(b"Air setinggi", b"Genangan setinggi"),
        ),
    )
    body = FETCH + source("warta", http_server.url("/warta")) + source("kabar", http_server.url("/kabar"))
    clock = SimulatedClock(T0)
    pipeline = build_pipeline(load_config(write_config(body)), clock=clock, alerters={})
    first = pipeline.cycle()
    # Both run at once: whichever commits first carries the story, the other is recorded with it.
    by_new = sorted(first.sources, key=lambda r: -r.new)
    assert [(r.new, r.also_seen) for r in by_new] == [(3, 0), (0, 3)]
    carrier, also = by_new[0].source, by_new[1].source
    for _ in range(2):
        clock.advance(timedelta(minutes=15))
        again = pipeline.cycle()
        assert [(r.new, r.updated, r.also_seen) for r in again.sources] == [(0, 0, 0), (0, 0, 0)]
        assert again.processed.stored == 0
    hits = pipeline.store.search(MentionFilter())
    (hit,) = [h.mention.mention for h in hits if "Sukasari" in h.mention.mention.title]
    assert hit.source == carrier and hit.also_seen_in == (also,)
    assert hit.text.startswith("Air setinggi" if carrier == "warta" else "Genangan setinggi")
    assert pipeline.store.count(MentionFilter()) == 3
    pipeline.close()


def test_429_defers_the_source_and_failures_back_off_until_switched_off(write_config, http_server):
    http_server.serve("/sibuk", Reply(429, b"", {"Retry-After": "600"}))
    other_host = LocalHTTPServer("127.0.0.2")  # another host: the 429 blocks 127.0.0.1 only
    other = other_host.site()
    other.serve("/rusak", Reply(500, b"galat"))
    body = FETCH.replace("workers = 16", "workers = 16\ndisable_after = 3")
    body += source("sibuk", http_server.url("/sibuk")) + source("rusak", other.url("/rusak"))
    clock = SimulatedClock(T0)
    pipeline = build_pipeline(load_config(write_config(body)), clock=clock, alerters={})
    first = {r.source: r for r in pipeline.collect_all()}
    # Never sooner than the server asked; otherwise the source's own backoff (15 min, jittered).
    deferred = first["sibuk"].deferred_until
    assert deferred and T0 + timedelta(seconds=600) <= deferred <= T0 + timedelta(minutes=15)
    assert "HTTP 429" in first["sibuk"].error
    asked = len(http_server.requests)
    clock.advance(timedelta(minutes=5))
    second = {r.source: r for r in pipeline.collect_all()}
    assert second["sibuk"].deferred_until and second["sibuk"].error is None  # waiting, not failing again
    assert len(http_server.requests) == asked and len(other.requests) == 2
    # "rusak" now backs off: 1, 2, 4 ... intervals with jitter, and is switched off at 3 failures.
    assert second["rusak"].deferred_until and second["rusak"].deferred_until > clock.now() + timedelta(minutes=7)
    for _ in range(2):
        clock.advance(timedelta(days=1))
        last = {r.source: r for r in pipeline.collect_all()}
    assert last["rusak"].disabled
    clock.advance(timedelta(days=1))
    asked = len(other.requests)
    assert {r.source: r for r in pipeline.collect_all()}["rusak"].disabled
    assert len(other.requests) == asked
    health = {h.source: h for h in pipeline.inbox.health()}
    assert health["rusak"].disabled and health["rusak"].consecutive_failures == 3
    pipeline.close()
    other.close()
    other_host.close()


def test_polling_adapts_to_how_often_a_feed_has_news(write_config, http_server):
    http_server.serve("/rss", Reply(200, rss(2)))
    body = FETCH + source("warta", http_server.url("/rss"), interval="10m")
    clock = SimulatedClock(T0)
    pipeline = build_pipeline(load_config(write_config(body)), clock=clock, alerters={})
    pipeline.collect("warta")  # news: come back sooner
    assert pipeline.next_run("warta", clock.now()) == T0 + timedelta(minutes=5)
    for _ in range(10):  # nothing new, run after run: back off to four times the interval
        pipeline.collect("warta")
    assert pipeline.next_run("warta", clock.now()) == T0 + timedelta(minutes=40)
    pipeline.close()


def test_the_service_runs_a_source_only_when_its_own_pace_says(write_config, http_server):
    http_server.serve("/rss", Reply(200, rss(2)))
    body = FETCH + source("warta", http_server.url("/rss"), interval="10m")
    clock = SimulatedClock(T0)
    pipeline = build_pipeline(load_config(write_config(body)), clock=clock, alerters={})
    assert pipeline.scheduled_due("warta", clock.now())  # never collected: now
    pipeline.collect("warta")  # news: the pace doubles to every 5 minutes
    clock.advance(timedelta(minutes=4))
    assert not pipeline.scheduled_due("warta", clock.now())
    clock.advance(timedelta(minutes=1))
    assert pipeline.scheduled_due("warta", clock.now())
    pipeline.close()
