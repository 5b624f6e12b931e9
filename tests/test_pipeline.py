"""The pipeline end to end on the embedded store, with a simulated clock."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from conftest import T0
from localhttp import Reply

from monitor.alerters.types.log import LogAlerter
from monitor.app import load_config
from monitor.clock import SimulatedClock
from monitor.errors import StoreError
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.pipeline import build_pipeline
from monitor.store.base import MentionFilter

COMPLAINTS = [
    "Pompa di Sukasari ga nyala, banjir masuk rumah 😡",
    "BPBD lemot bgt, udah 3 jam nunggu perahu, parah",
    "Kecewa sama pemkot, banjir tiap taun ga ada solusi",
    "Dapur umum belum ada, warga kelaparan, pemkot piye iki",
    "Warga ditelantarkan pas banjir, petugas ga keliatan",
    "Pelayanan buruk, call center BPBD ga diangkat2, banjir makin tinggi",
]

CONFIG = """
[[sources]]
name = "sosmed"
type = "file"
channel = "social"
url = "{url}"

[watchlists]
banjir = ["banjir", "pompa", "perahu", "bpbd"]

[alerters.log]
type = "log"
"""

RULES = {
    "keluhan": 'type = "threshold"\ndescription = "Keluhan banjir"\nwatchlists = ["banjir"]\n'
    'sentiment = ["negative"]\nthreshold = 4\nwindow = "1h"\ncooldown = "30m"\nresolve_after = "2h"\n',
}


def posts(count: int, start_minute: int = 0) -> bytes:
    lines = [
        json.dumps(
            {
                "id": f"p{i}",
                "text": COMPLAINTS[i % len(COMPLAINTS)] + f" #{i}",
                "author": f"warga{i}",
                "published_at": (T0 + timedelta(minutes=start_minute + i)).isoformat(),
                "reach": 100 * i,
            }
        )
        for i in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


def build(write_config, http_server, clock, out):
    config = load_config(write_config(CONFIG.format(url=http_server.url("/posts")), rules=RULES))
    alerter = LogAlerter("log", Messages("id", "Asia/Jakarta"), stream=out)
    return build_pipeline(config, clock=clock, alerters={"log": alerter})


@pytest.mark.slow
def test_complaint_wave_opens_one_incident_and_restart_does_not_resend(write_config, http_server):
    http_server.serve("/posts", Reply(200, posts(6)))
    clock, out = SimulatedClock(T0 + timedelta(minutes=10)), io.StringIO()
    pipeline = build(write_config, http_server, clock, out)
    report = pipeline.cycle()
    assert report.ok, report
    assert report.processed.stored == 6
    assert [a.event for a in report.evaluation.alerts] == ["opened"]
    assert "[PERINGATAN] Insiden baru: Keluhan banjir" in out.getvalue()
    assert "WIB" in out.getvalue()
    pipeline.close()

    # Restart: same data, same time. Nothing new is sent.
    out2 = io.StringIO()
    again = build(write_config, http_server, clock, out2)
    report = again.cycle()
    assert report.evaluation.alerts == [] and out2.getvalue() == ""
    # The wave doubles: the incident escalates in place rather than opening a second one.
    http_server.serve("/posts", Reply(200, posts(14)))
    clock.advance(timedelta(minutes=5))
    report = again.cycle()
    assert [a.event for a in report.evaluation.alerts] == ["escalated"]
    (incident,) = IncidentBook(again.state).all()
    assert incident.severity.value == "critical" and incident.count >= 8
    # Quiet for longer than resolve_after: resolved, once.
    clock.advance(timedelta(hours=4))
    report = again.cycle()
    assert [a.event for a in report.evaluation.alerts] == ["resolved"]
    again.close()


def test_what_happened_while_down_still_fires(write_config, http_server):
    http_server.serve("/posts", Reply(200, b""))
    clock, out = SimulatedClock(T0), io.StringIO()
    pipeline = build(write_config, http_server, clock, out)
    pipeline.cycle()
    # Down for three hours; the wave came and went in the first hour (published then).
    http_server.serve("/posts", Reply(200, posts(6, start_minute=20)))
    clock.advance(timedelta(hours=3))
    report = pipeline.cycle()
    assert [a.event for a in report.evaluation.alerts][:1] == ["opened"]
    pipeline.close()


def test_store_outage_keeps_everything_in_the_inbox(write_config, http_server):
    http_server.serve("/posts", Reply(200, posts(6)))
    clock, out = SimulatedClock(T0 + timedelta(minutes=10)), io.StringIO()
    pipeline = build(write_config, http_server, clock, out)
    real_store = pipeline.store

    class Down:
        def upsert(self, batch):
            raise StoreError("Elasticsearch tidak bisa dihubungi")

    pipeline.store = Down()  # type: ignore[assignment]
    pipeline.collect("sosmed")
    report = pipeline.process()
    assert report.error and report.stored == 0
    assert pipeline.inbox.counts() == {"pending": 6}
    pipeline.store = real_store
    assert pipeline.process().stored == 6
    assert pipeline.inbox.counts() == {"done": 6}
    assert real_store.count(MentionFilter()) == 6
    pipeline.close()


def test_duplicate_reposts_are_dropped_but_syndicated_copies_share_a_story(write_config, http_server):
    same = "Banjir rendam Sukasari, BPBD evakuasi 120 warga ke GOR Cempaka"
    lines = [
        {"id": "a", "text": same, "author": "warta", "source": "warta"},
        {"id": "b", "text": same, "author": "warta", "source": "warta"},  # re-published under a new id
        {"id": "c", "text": same, "author": "kabar", "source": "kabar"},  # another outlet's copy
    ]
    http_server.serve("/posts", Reply(200, "\n".join(json.dumps(x) for x in lines).encode()))
    clock, out = SimulatedClock(T0), io.StringIO()
    pipeline = build(write_config, http_server, clock, out)
    report = pipeline.cycle()
    assert report.processed.stored == 2 and report.processed.duplicates == 1
    stories = pipeline.store.terms("story_id", MentionFilter())
    assert len(stories) == 1 and stories[0][1] == 2
    pipeline.close()


def test_a_failing_source_does_not_block_the_others(write_config, http_server, tmp_path):
    http_server.serve("/posts", Reply(200, posts(2)))
    config_path = write_config(
        CONFIG.format(url=http_server.url("/posts")).replace(
            "[watchlists]",
            '[[sources]]\nname = "rusak"\ntype = "rss"\nurl = "' + http_server.url("/hilang") + '"\n\n[watchlists]',
        )
    )
    config = load_config(config_path)
    pipeline = build_pipeline(config, clock=SimulatedClock(T0), alerters={})
    report = pipeline.cycle()
    by_name = {s.source: s for s in report.sources}
    assert "HTTP 404" in by_name["rusak"].error and by_name["sosmed"].new == 2
    assert not report.ok and report.processed.stored == 2
    health = {h.source: h for h in pipeline.inbox.health()}
    assert health["rusak"].consecutive_failures == 1 and health["sosmed"].last_new_at == T0
    pipeline.close()


def test_a_file_backlog_is_committed_a_chunk_at_a_time_in_one_collection(write_config, tmp_path):
    (tmp_path / "ekspor.jsonl").write_bytes(posts(7))
    config = load_config(
        write_config(
            '[[sources]]\nname = "ekspor"\ntype = "file"\nchannel = "social"\npath = "ekspor.jsonl"\nchunk = 3\n'
        )
    )
    pipeline = build_pipeline(config, clock=SimulatedClock(T0), alerters={})
    commits: list[int] = []
    commit = pipeline.inbox.commit
    pipeline.inbox.commit = lambda source, mentions, *a, **k: commits.append(len(mentions)) or commit(  # type: ignore[method-assign]
        source, mentions, *a, **k
    )
    report = pipeline.collect("ekspor")
    assert commits == [3, 3, 1] and report.new == 7 and not report.error
    assert pipeline.inbox.cursor("ekspor")["lines"] == 7
    assert pipeline.process().stored == 7
    pipeline.close()
